from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.regions.models import Level

from .models import Category, Priority, State


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class PlaceForm(forms.Form):
    """Step 1 of a staff report: where. One of the reporter's own places (their grid by
    default), or a point — their location or a tap on the map — whose grid the locator
    finds. `region` holds the place once the form is valid."""

    place = forms.ChoiceField(
        label=_("place"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of your places.")},
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("where exactly (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. in front of building 3")}),
    )

    def __init__(self, *args, places, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.places = {p.code: p for p in places}
        self.fields["place"].choices = [("", _("— choose —")), *place_choices(places)]
        self.region = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        lat, lon = data.get("lat"), data.get("lon")
        chosen = self.places.get(data.get("place") or "")
        if (lat is None) != (lon is None):
            lat = lon = data["lat"] = data["lon"] = None
        if lat is not None:
            grid = locate(lat, lon)
            if grid is None:
                self.add_error(
                    "place",
                    _(
                        "The point you gave (%(lat).5f, %(lon).5f) is in no grid: "
                        "choose one of your places instead."
                    )
                    % {"lat": lat, "lon": lon},
                )
                return data
            if grid.code not in self.places:
                self.add_error(
                    "place",
                    _(
                        "The point you gave is outside your grids: choose one of your "
                        "places, or report it to the staff of that place."
                    ),
                )
                return data
            # a building or compound chosen in the list stays, if the point lies in its grid
            keep = chosen is not None and chosen.path.startswith(grid.path)
            self.region = chosen if keep else self.places[grid.code]
        elif chosen is not None:
            self.region = chosen
        else:
            self.add_error("place", _("Choose a place, or use your location."))
        return data


def locate(lat: float, lon: float):
    from gridgov.regions.locator import locate as locate_grid

    return locate_grid(lat, lon)


def place_choices(places) -> list:
    """Places as <select> choices, a group per grid: the grid, then its compounds and
    buildings."""
    groups: list = []
    for p in places:
        if p.level == Level.GRID or not groups:
            groups.append([p.name, []])
        label = p.name if p.level == Level.GRID else f"· {p.name}"
        if p.level == Level.GRID:
            label = _("%(grid)s (whole grid)") % {"grid": p.name}
        groups[-1][1].append((p.code, label))
    return [tuple(g) for g in groups]


class CategoryForm(forms.Form):
    """Step 2: what. Each category is a button of its own (one tap)."""

    category = forms.ModelChoiceField(
        Category.objects.filter(active=True),
        label=_("category"),
        to_field_name="code",
        error_messages={"invalid_choice": _("Choose one of the categories shown.")},
    )


TYPED_MAX = 6000  # characters of a field kept in a draft


class PhotoInput(forms.FileInput):
    allow_multiple_selected = True

    def __init__(self):
        # a phone opens its camera; the photos go into the draft as soon as they are sent
        super().__init__(attrs={"accept": "image/*", "capture": "environment", "multiple": True})


class PhotosField(forms.Field):
    """The photo input. The view takes the files into the draft (`drafts.Draft.add_photos`)
    before the form is checked, so the field itself holds nothing; it is there for its
    input and for the errors about photos."""

    widget = PhotoInput

    def clean(self, value):
        return None


class ReportForm(forms.Form):
    """Step 3 of a staff report: the description, photos, the category's extra fields and
    the priority (normal unless the reporter says otherwise). Photos are taken by the view
    into the draft before this form is checked, so they survive its errors."""

    description = forms.CharField(
        label=_("description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Describe the matter.")},
    )
    photos = PhotosField(label=_("photos"), required=False)
    priority = forms.TypedChoiceField(
        label=_("priority"),
        choices=Priority.choices,
        coerce=int,
        initial=Priority.NORMAL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a priority.")},
    )

    def __init__(self, *args, category, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra = []
        for spec in category.fields:
            name = f"attr_{spec['code']}"
            label = category.field_label(spec)
            required = bool(spec.get("required"))
            kind = spec.get("type", "text")
            choices = [(c, c) for c in spec.get("choices", [])]
            if kind == "number":
                field = forms.FloatField(label=label, required=required)
            elif kind == "date":
                field = forms.DateField(
                    label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
                )
            elif kind == "choice":
                field = forms.ChoiceField(
                    label=label, required=required, choices=[("", "—"), *choices]
                )
            elif kind == "multi":
                field = forms.MultipleChoiceField(
                    label=label,
                    required=required,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                field = forms.CharField(label=label, required=required, max_length=500)
            self.fields[name] = field
            self.extra.append((spec["code"], name))

    def attributes(self) -> dict:
        """The extra fields as typed (the action checks them again)."""
        out = {}
        for code, name in self.extra:
            value = self.cleaned_data.get(name)
            if value not in (None, "", []):
                out[code] = value.isoformat() if hasattr(value, "isoformat") else value
        return out

    def typed(self) -> dict:
        """What was typed, valid or not, to keep in the draft (cut to a little over what
        the fields take: the session is no place for a pasted book)."""
        out = {"description": self.data.get("description", "")[:TYPED_MAX]}
        if self.data.get("priority", "") in {str(v) for v in Priority.values}:
            out["priority"] = int(self.data["priority"])
        out["attributes"] = {
            code: [v[:TYPED_MAX] for v in self.data.getlist(name)[:50]]
            if isinstance(self.fields[name], forms.MultipleChoiceField)
            else self.data.get(name, "")[:TYPED_MAX]
            for code, name in self.extra
        }
        return out

    @staticmethod
    def initial_from(draft: dict) -> dict:
        initial = {
            "description": draft.get("description", ""),
            "priority": draft.get("priority") or Priority.NORMAL,
        }
        for code, value in (draft.get("attributes") or {}).items():
            initial[f"attr_{code}"] = value
        return initial


class FilterForm(forms.Form):
    mine = forms.BooleanField(required=False, label=_("waiting for me"))
    state = forms.ChoiceField(
        required=False,
        label=_("state"),
        choices=[("", _("all")), ("overdue", _("overdue"))] + list(State.choices),
    )
    category = forms.CharField(required=False, label=_("category"), max_length=32)
    grid = forms.CharField(required=False, label=_("grid code"), max_length=24)
    # filters the home page's figures link to (each figure counts exactly these rows)
    due = forms.ChoiceField(
        required=False,
        label=_("deadline"),
        choices=[("", _("any")), ("week", _("due within a week"))],
    )
    new = forms.ChoiceField(
        required=False,
        label=_("reported"),
        choices=[("", _("any time")), ("today", _("today"))],
    )
