"""What the header's search finds among enforcement cases: a case by (part of) its number,
with the year's brackets typed either way, or by a party's exact name, within the user's
courts (as the case list's own search box)."""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.accounts import roles
from gridgov.core import search

from . import cases
from .models import EnforcementCase


@search.register("enforcement", order=20)
def enforcement_cases(user, q):
    if not roles.read_paths(user, "enforcement") or len(q) < 2:
        return None
    found = list(
        EnforcementCase.objects.visible_to(user)
        .filter(cases.number_q(q, "number__contains") | Q(parties__name=q))
        .distinct()
        .select_related("court")
        .order_by("-filed_on", "-id")[: search.LIMIT + 1]
    )
    return search.Group(
        _("Enforcement cases"),
        [
            search.Result(
                c.number,
                reverse("enforcement:case", args=[c.pk]),
                f"{c.applicant} {_('applies against')} {c.respondent} · {c.court.name} · "
                f"{c.get_state_display()}",
            )
            for c in found[: search.LIMIT]
        ],
        more=(
            reverse("enforcement:cases") + "?" + urlencode({"q": q})
            if len(found) > search.LIMIT
            else ""
        ),
    )
