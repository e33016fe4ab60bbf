from django import forms
from django.utils.translation import gettext_lazy as _

from .excel import KINDS
from .models import SpecialGroup


class ResidentForm(forms.Form):
    region = forms.CharField(label=_("place code (grid / compound / building)"), max_length=24)
    household_number = forms.CharField(label=_("household number"), max_length=32, required=False)
    name = forms.CharField(label=_("full name"), max_length=64)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    ethnicity = forms.CharField(label=_("ethnicity"), max_length=16, required=False)
    relation = forms.CharField(label=_("relation to head"), max_length=16, required=False)
    special_groups = forms.ModelMultipleChoiceField(
        SpecialGroup.objects.all(),
        to_field_name="code",
        required=False,
        label=_("special groups"),
        widget=forms.CheckboxSelectMultiple,
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("what to import"),
        choices=[(k.key, k.label) for k in KINDS.values()],
        initial="residents",  # what is imported most
    )
    file = forms.FileField(label=_("filled-in template (.xlsx)"))


class RevealForm(forms.Form):
    # checked by gridgov.core.reveal.clean_reason; the form only carries it back
    reason = forms.CharField(label=_("reason"), required=False, strip=False)
