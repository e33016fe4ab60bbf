"""Django admin for system administrators: a read-only window on every table.

Changes go through the actions (pages, API, `gridgov` commands) so that each one is
permission-checked and audited; the admin therefore never adds, edits or deletes. The site
itself makes every model admin registered with it read-only — gridgov's own and those that
Django registers (auth's Group) alike — so that no registration can forget it, and it has
no bulk "delete selected" action."""

from django.contrib import admin

from .models import AuditEntry


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminSite(admin.AdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)
        self.disable_action("delete_selected")

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ReadOnlyMixin):
            admin_class = type(admin_class.__name__, (ReadOnlyMixin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "request_id"]
