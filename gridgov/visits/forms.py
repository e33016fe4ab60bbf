from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gridgov.matters.forms import CategoryChoice, ReportForm
from gridgov.matters.models import Category

NEED_ROWS = 3  # blank rows on the page; the API takes up to actions.NEEDS_MAX


def _categories():
    return Category.objects.filter(active=True).order_by("group", "name")


def _member_label(r) -> str:
    """Who the person is at a glance: name, relation, birth year, special groups."""
    english = (get_language() or "").startswith("en")
    parts = [r.name, r.relation, str(r.birth_year)]
    parts += [g.name_en if english else g.name for g in r.special_groups.all()]
    return " · ".join(p for p in parts if p)


class VisitForm(forms.Form):
    visited_at = forms.DateTimeField(
        label=_("visited at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    # the household's members as plain choices: what comes back is checked against them
    # without a query (an id beyond any column is refused, not sent to the database)
    met = forms.MultipleChoiceField(
        required=False, label=_("whom you met"), widget=forms.CheckboxSelectMultiple
    )
    nobody_home = forms.BooleanField(label=_("nobody home"), required=False)
    notes = forms.CharField(
        label=_("notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        members = household.members.prefetch_related("special_groups").order_by("pk")
        self.members = {str(m.pk): m for m in members}
        self.fields["met"].choices = [(k, _member_label(m)) for k, m in self.members.items()]
        self.need_rows = []
        for i in range(NEED_ROWS):
            d, c = f"need_{i}", f"need_{i}_category"
            self.fields[d] = forms.CharField(label=_("need found"), required=False, max_length=500)
            self.fields[c] = CategoryChoice(
                _categories(),
                required=False,
                label=_("category (for reporting it as a matter)"),
                to_field_name="code",
                empty_label="—",
            )
            self.need_rows.append((self[d], self[c]))

    def met_residents(self) -> list:
        return [self.members[k] for k in self.cleaned_data.get("met", [])]

    def needs(self) -> list[tuple[str, object]]:
        return [
            (self.cleaned_data.get(f"need_{i}", ""), self.cleaned_data.get(f"need_{i}_category"))
            for i in range(NEED_ROWS)
        ]


class NeedReportForm(ReportForm):
    """The category (and its extra fields) and priority of a need reported as a matter: the
    matters' own details form without what the visit already says (description, place)."""

    category = CategoryChoice(Category.objects.none(), label=_("category"), to_field_name="code")

    def __init__(self, *args, category=None, **kwargs):
        super().__init__(*args, category=category, **kwargs)
        for name in ("description", "photos"):
            del self.fields[name]
        self.fields["category"].queryset = _categories()
        self.order_fields(["category"])
