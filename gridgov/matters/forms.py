import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Category, Priority, State


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(
        Category.objects.filter(active=True), label=_("category"), to_field_name="code"
    )
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    place = forms.CharField(
        label=_("place code (grid / compound / building)"), max_length=24, required=False
    )
    lat = forms.FloatField(label=_("latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("longitude"), required=False, min_value=-180, max_value=180)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    priority = forms.TypedChoiceField(
        label=_("priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )

    def __init__(self, *args, category=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra = []
        for spec in category.fields if category else []:
            name = f"attr_{spec['code']}"
            label = spec.get("label") or spec["code"]
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
        out = {}
        for code, name in self.extra:
            value = self.cleaned_data.get(name)
            if value not in (None, "", []):
                out[code] = value.isoformat() if hasattr(value, "isoformat") else value
        return out


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
            (c.code, c.name) for c in Category.objects.filter(active=True)
        ]
        self.fields["grid"].choices = everything + place_choices(user)
        self.fields["unit"].choices = everything + [(u.pk, u.name) for u in unit_choices(user)]
        code = self.data.get("grid") if self.is_bound else None
        if code and not self.fields["grid"].valid_value(code):
            return
        if code and not _in_choices(self.fields["grid"].choices, code):
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


def _in_choices(choices, value) -> bool:
    for key, label in choices:
        if isinstance(label, (list, tuple)):
            if _in_choices(label, value):
                return True
        elif str(key) == str(value):
            return True
    return False


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
