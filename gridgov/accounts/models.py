import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("work phone (for SMS)"), max_length=20, blank=True)

    def __str__(self):
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A user holds a role at a region node; the node's subtree is the role's scope."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="role_assignments"
    )
    # the department a handler works for (职能部门); required for department handlers
    unit = models.ForeignKey(
        "people.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], name="uniq_role_at_region")
        ]
        indexes = [models.Index(fields=["region", "role"])]
        verbose_name = _("role assignment")

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.region}"

    @property
    def scope_path(self) -> str:
        return self.region.path


class APIToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user} · {self.name}"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def new_raw() -> str:
        return "ggv_" + secrets.token_urlsafe(32)
