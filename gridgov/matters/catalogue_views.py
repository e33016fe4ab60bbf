import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts import roles
from gridgov.core import jsonbody, parsing
from gridgov.core.errors import ActionError, Invalid
from gridgov.core.views import role_required
from gridgov.people.models import Unit, UnitKind

from . import catalogue
from .models import CalendarDay, Category, CategoryGroup, DayKind


def _admin(request):
    if not roles.is_system_admin(request.user):
        raise PermissionDenied(_("Only a system administrator may do this."))


@role_required
def categories(request):
    _admin(request)
    error = None
    form = {k: request.POST.get(k, "") for k in ("code", "name", "name_en")}
    if request.method == "POST":
        p = request.POST
        try:
            fields = jsonbody.loads(p.get("fields") or "[]")
        except Invalid:
            error = _("Extra fields must be JSON.")
        else:
            try:
                unit = Unit.objects.filter(pk=parsing.pk(p.get("default_unit")) or 0).first()
                catalogue.save_category(
                    code=p.get("code", ""),
                    name=p.get("name", ""),
                    name_en=p.get("name_en", ""),
                    group=p.get("group", ""),
                    deadline_days=parsing.integer(
                        p.get("deadline_days"), _("deadline"), minimum=1, maximum=365
                    ),
                    default_unit=unit,
                    fields=fields,
                    public=bool(p.get("public")),
                    sensitive=bool(p.get("sensitive")),
                    active=bool(p.get("active")),
                    actor=request.user,
                )
            except ActionError as exc:
                error = exc.message
            else:
                messages.success(request, _("Category saved."))
                return redirect("matters:categories")
    edit = Category.objects.filter(code=request.GET.get("edit", "")).first()
    return render(
        request,
        "matters/categories.html",
        {
            "categories": Category.objects.select_related("default_unit"),
            "groups": CategoryGroup.choices,
            "error": error,
            "edit": edit,
            "form": form,
            "edit_fields": json.dumps(edit.fields, ensure_ascii=False, indent=1) if edit else "[]",
            "units": Unit.objects.filter(kind__in=[UnitKind.AGENCY, UnitKind.PUBLIC_INSTITUTION]),
        },
        status=400 if error else 200,
    )


@role_required
def calendar_page(request):
    _admin(request)
    error = None
    if request.method == "POST":
        try:
            day = parsing.day(request.POST.get("date", ""), _("date"))
            catalogue.save_day(
                day,
                request.POST.get("kind", ""),
                request.POST.get("name", ""),
                provisional=bool(request.POST.get("provisional")),
                actor=request.user,
            )
        except ActionError as exc:
            error = exc.message
        else:
            return redirect("matters:calendar")
    return render(
        request,
        "matters/calendar.html",
        {
            "days": CalendarDay.objects.all(),
            "kinds": DayKind.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
@role_required
def calendar_remove(request, day):
    _admin(request)
    try:
        catalogue.remove_day(parsing.day(day, _("date")), actor=request.user)
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("matters:calendar")
