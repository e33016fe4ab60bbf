from django.contrib.admin.apps import AdminConfig


class ReadOnlyAdminConfig(AdminConfig):
    """django.contrib.admin with gridgov's read-only site as `admin.site`."""

    default_site = "gridgov.core.admin.ReadOnlyAdminSite"
