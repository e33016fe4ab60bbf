from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DISPATCHED = "dispatched", _("new dispatch")
    REWORK = "rework", _("returned for rework")
    OVERDUE = "overdue", _("overdue")
    ESCALATED = "escalated", _("escalated")
    EXTENSION = "extension", _("extension requested")
    CONFLICT = "conflict", _("conflicting payment notice")
    LINKAGE = "linkage", _("asset inquiry answered")
    REVEALS = "reveals", _("too many reveals")
    REFERRAL = "referral", _("ID number referred")
    REPORTED = "reported", _("new report")
    TO_VERIFY = "to_verify", _("handled, to verify")
    TO_CLOSE = "to_close", _("verified, to close")
    OUTCOME = "outcome", _("outcome of your report")


# Notices that ask someone to act on a matter in the state it was in: once the matter moves
# on, they are done by themselves (see gridgov.notifications.actions.settle). The others
# (an outcome, a referral, a reveal warning) only tell, and stay until read.
ACT_KINDS = frozenset(
    {
        Kind.REPORTED,
        Kind.DISPATCHED,
        Kind.REWORK,
        Kind.TO_VERIFY,
        Kind.TO_CLOSE,
        Kind.OVERDUE,
        Kind.ESCALATED,
        Kind.EXTENSION,
    }
)


class NotificationQuerySet(models.QuerySet):
    def waiting(self):
        """Unread and not yet done: what the unread count counts."""
        return self.filter(read_at__isnull=True, done_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user, about one matter or (matter empty) anything else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    matter = models.ForeignKey(
        "matters.Matter", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(_("message"), max_length=300)
    # where to act on a notice that is not about a matter (a resident, the audit trail)
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # the work it asked for was done (by anyone): it no longer waits, read or not
    done_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.user}: {self.text}"

    @property
    def target(self) -> str:
        """Where opening the notice leads: its matter, or its link."""
        if self.matter_id:
            from django.urls import reverse

            return reverse("matters:detail", args=[self.matter.code])
        return self.link
