"""The public list of typical cases: no login, nothing but what was published."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound

from .models import TypicalCase


def _published():
    return TypicalCase.objects.filter(withdrawn=False).select_related("case")


def typical_list(request):
    page = Paginator(_published(), 20).get_page(request.GET.get("page"))
    return render(request, "enforcement/typical_list.html", {"page": page})


def typical_case(request, pk):
    published = _published().filter(pk=pk).first()
    if published is None:
        raise NotFound(_("Not found."))
    return render(request, "enforcement/typical_case.html", {"t": published})
