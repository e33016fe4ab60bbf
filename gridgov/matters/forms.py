from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Priority, State


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class ReportForm(forms.Form):
    category = CategoryChoice(
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
        out = {}
        for code, name in self.extra:
            value = self.cleaned_data.get(name)
            if value not in (None, "", []):
                out[code] = value.isoformat() if hasattr(value, "isoformat") else value
        return out


class FilterForm(forms.Form):
    mine = forms.BooleanField(required=False, label=_("waiting for me"))
    state = forms.ChoiceField(
        required=False,
        label=_("state"),
        choices=[("", _("all")), ("overdue", _("overdue"))] + list(State.choices),
    )
    category = forms.CharField(required=False, label=_("category"), max_length=32)
    grid = forms.CharField(required=False, label=_("grid code"), max_length=24)
