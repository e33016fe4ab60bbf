from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gridgov.core"
    label = "core"
    verbose_name = "gridgov core"

    def ready(self):
        from . import sweep, throttle

        sweep.register("ratelimit", sweep._purge_rate_events)
        sweep.register("throttle", throttle.purge_line)
