"""The user's notices waiting (unread and not yet done), the newest few."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.core import panels

from .actions import unread_count
from .models import Notification


@panels.register("notifications.inbox", order=40)
def inbox(user):
    """Shown only while a notice waits (the header's badge leads to the inbox anyway)."""
    waiting = Notification.objects.filter(user=user).waiting()
    newest = list(waiting.select_related("matter", "matter__category")[:3])
    if not newest:
        return None
    return panels.Panel(
        title=_("Notices"),
        figures=[
            panels.Figure(
                _("notices waiting"), unread_count(user), reverse("inbox") + "?waiting=1#inbox"
            )
        ],
        items=[
            panels.Item(
                f"{n.matter.code} · {n.matter.category.label}" if n.matter else n.text[:60],
                reverse("inbox_open", args=[n.pk]),
                n.get_kind_display(),
            )
            for n in newest
        ],
        more=panels.Action(_("Inbox"), reverse("inbox")),
    )
