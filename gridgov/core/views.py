"""Base pieces for pages: role gate, pagination, and the audit pages."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gridgov.accounts import roles
from gridgov.core import actors
from gridgov.core.scoping import within

from . import panels
from .models import AuditAction, AuditEntry


def home(request):
    """The home page: what is waiting for the user, as the panels the apps register
    (gridgov.core.panels); it knows no app's internals."""
    if not request.user.is_authenticated:
        return redirect("login")
    from gridgov.accounts.models import RoleAssignment

    assignments = list(
        RoleAssignment.objects.filter(user=request.user).select_related("region", "unit")
    )
    return render(
        request,
        "core/home.html",
        {
            "assignments": assignments,
            "panels": panels.panels_for(request.user) if assignments else [],
        },
    )


@csrf_exempt
def healthz(request):
    """A trivial view for load balancers (and the benchmark's baseline)."""
    return HttpResponse("ok", content_type="text/plain")


def role_required(view):
    """Signed in and holding at least one role; otherwise 403 (no role) or login."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if not roles.has_any_role(request.user):
            raise PermissionDenied(_("Your account has no role yet; ask an administrator."))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def chosen(queryset, raw, message: str = ""):
    """The row a form field names by its id, from `queryset` (already scoped): NotFound for
    a word, a number not there, or a row outside the queryset — never a server error."""
    from gridgov.core.errors import NotFound
    from gridgov.core.parsing import pk

    key = pk(raw)
    found = queryset.filter(pk=key).first() if key is not None else None
    if found is None:
        raise NotFound(message or _("Not found."))
    return found


def paginate(request, queryset, per_page=25):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def visible_audit(user):
    """Audit entries in the user's audit scope (entries of objects without a region, such
    as user accounts, only for those scoped at a tree root)."""
    paths = roles.read_paths(user, "audit")
    if not paths:
        return AuditEntry.objects.none()
    q = within("region_path", paths)
    if any(len(p) <= roles.STEP for p in paths):
        q |= Q(region_path="")
    return AuditEntry.objects.filter(q)


@role_required
def audit_list(request):
    if not roles.read_paths(request.user, "audit"):
        raise PermissionDenied(_("Your role may not read the audit trail."))
    qs = visible_audit(request.user).select_related("actor")
    action = request.GET.get("action", "")
    if action in {str(a) for a in AuditAction.values}:
        qs = qs.filter(action=int(action))
    who = request.GET.get("actor", "").strip()
    if who:
        qs = qs.filter(Q(actor_label__icontains=who) | Q(actor__display_name__icontains=who))
    page = paginate(request, qs, 50)
    page.object_list = actors.annotate(page.object_list)
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "actions": AuditAction.choices,
            "action": action,
            "who": who,
        },
    )


def history_context(user, obj) -> list:
    """The object's own history for its page, when the user may read audit entries."""
    from .audit import history_for

    if not roles.covers(roles.read_paths(user, "audit"), getattr(obj, "scope_path", "")):
        return []
    return actors.annotate(history_for(obj)[:50])


def favicon(request):
    """/favicon.ico, which browsers fetch by themselves: the site's icon."""
    from django.templatetags.static import static

    return redirect(static("gridgov/favicon.svg"), permanent=True)
