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

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.user}: {self.text}"
