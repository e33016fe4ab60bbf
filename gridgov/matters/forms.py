import re

from django import forms
from django.db.models import Q
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

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
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
            # a building or compound chosen in the list stays, if the point lies in its grid
            keep = chosen is not None and chosen.path.startswith(grid.path)
            if grid.code not in self.places and not keep:
                self.add_error(
                    "place",
                    _(
                        "The point you gave is outside your grids: choose one of your "
                        "places, or report it to the staff of that place."
                    ),
                )
                return data
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
        for spec in category.fields if category else []:
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


class PlaceField(forms.ChoiceField):
    """A place chosen from the user's grids (by code). Any region code is still taken, so
    that links carrying a typed code keep working; the list is scoped anyway."""

    def valid_value(self, value):
        return super().valid_value(value) or bool(PLACE_CODE.match(str(value)))


PLACE_CODE = re.compile(r"^\d{6,24}$")


class FilterForm(forms.Form):
    """The worklist's filters. Every choice comes from what the user can see; the values
    are those of the old query strings (grid code, category code, state), so old links
    keep working."""

    mine = forms.BooleanField(required=False, label=_("waiting for me"))
    state = forms.ChoiceField(required=False, label=_("state"))
    category = forms.ChoiceField(required=False, label=_("category"))
    grid = PlaceField(required=False, label=_("grid"))
    unit = forms.TypedChoiceField(required=False, label=_("handling unit"), coerce=int)
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

    def __init__(self, *args, user, **kwargs):
        from gridgov.regions.choices import place_choices

        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        self.fields["state"].choices = [
            *everything,
            ("overdue", _("overdue")),
            *State.choices,
        ]
        self.fields["category"].choices = everything + [
            (c.code, c.label) for c in Category.objects.filter(active=True)
        ]
        self.fields["grid"].choices = everything + place_choices(user)
        self.fields["unit"].choices = everything + [(u.pk, u.name) for u in unit_choices(user)]
        code = self.data.get("grid") if self.is_bound else None
        if code and not self.fields["grid"].valid_value(code):
            return
        if code and not forms.ChoiceField.valid_value(self.fields["grid"], code):
            # an old link's code that is not one of the listed grids: shown as chosen
            self.fields["grid"].choices.append((code, code))

    def filters(self) -> dict:
        """What the list applies: the valid fields (an invalid one is reported on the form
        and not applied)."""
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in ("", None, False)}

    def chosen(self) -> list[str]:
        """The applied filters as the user reads them ("waiting for me", a grid's name …),
        for the folded filter box's summary."""
        out = []
        for name, value in self.filters().items():
            field = self.fields[name]
            if value is True:
                out.append(str(field.label))
            else:
                out.append(_label_of(field.choices, value) or str(value))
        return out

    def query(self) -> str:
        """The filters as a query string, for links that keep them (the pager)."""
        from django.http import QueryDict

        q = QueryDict(mutable=True)
        for name, value in self.filters().items():
            q[name] = "on" if value is True else value
        return q.urlencode()


def _label_of(choices, value) -> str:
    for key, label in choices:
        if isinstance(label, (list, tuple)):
            found = _label_of(label, value)
            if found:
                return found
        elif str(key) == str(value):
            return str(label)
    return ""


def unit_choices(user):
    """The units a user may filter the worklist by: a department handler's own unit(s);
    for everyone else the agencies matters are dispatched to that sit at or above or
    inside their scope (the dispatch form's list, narrowed to the user's area)."""
    from gridgov.accounts import roles
    from gridgov.core.scoping import within
    from gridgov.people.models import Unit, UnitKind

    paths = roles.read_paths(user, "matter")
    handler = roles.Role.DEPARTMENT_HANDLER
    own = [u for r, _p, u in roles.assignments_with_units(user) if r == handler]
    q = Q(pk__in=own)
    if paths:
        above = {a for p in paths for a in roles.ancestor_paths(p)}
        q |= Q(kind=UnitKind.AGENCY) & (Q(region_path__in=above) | within("region_path", paths))
    return Unit.objects.filter(q).order_by("name").only("pk", "name")
