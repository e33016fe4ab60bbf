from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gridgov.core.views import paginate

from . import actions
from .models import Notification


@login_required
def inbox(request):
    """The user's notices, newest first; `?waiting=1`: only those neither read nor done
    (what the unread count counts)."""
    qs = Notification.objects.filter(user=request.user).select_related("matter", "matter__category")
    waiting = request.GET.get("waiting") == "1"
    if waiting:
        qs = qs.waiting()
    return render(
        request, "notifications/inbox.html", {"page": paginate(request, qs, 30), "waiting": waiting}
    )


@login_required
def open_notice(request, pk):
    """Opening a notice marks it read and leads to what it is about."""
    notice = get_object_or_404(
        Notification.objects.select_related("matter"), pk=pk, user=request.user
    )
    actions.mark_read(request.user, [notice.pk])
    target = notice.target
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("inbox")
    return redirect(target)


@require_POST
@login_required
def read_all(request):
    actions.mark_read(request.user)
    return redirect("inbox")


def unread(request):
    """Context processor: the count of notices waiting (unread, not done) for every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread": actions.unread_count(user)}
