from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gridgov.core.views import paginate

from . import actions
from .models import Notification


@login_required
def inbox(request):
    qs = Notification.objects.filter(user=request.user).select_related("matter", "matter__category")
    return render(request, "notifications/inbox.html", {"page": paginate(request, qs, 30)})


@require_POST
@login_required
def read_all(request):
    actions.mark_read(request.user)
    return redirect("inbox")


def unread(request):
    """Context processor: the unread count for the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread": Notification.objects.filter(user=user, read_at__isnull=True).count()}
