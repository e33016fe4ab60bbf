from django.apps import AppConfig

from .parsing import check_columns


class CoreConfig(AppConfig):
    name = "gridgov.core"
    label = "core"
    verbose_name = "gridgov core"

    def ready(self):
        from django.db.models.signals import pre_save

        from . import ratelimit, security, sweep, throttle  # security connects its signal

        pre_save.connect(_check_columns, dispatch_uid="gridgov-check-columns")
        sweep.register("ratelimit", ratelimit.purge_line)
        sweep.register("throttle", throttle.purge_line)
        sweep.register("sessions", security.purge_sessions)


def _check_columns(sender, instance, raw=False, **kwargs):
    """Every gridgov model's text and numbers fit their columns before any save."""
    if not raw and sender.__module__.startswith("gridgov."):
        check_columns(instance)
