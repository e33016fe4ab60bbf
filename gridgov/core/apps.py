from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gridgov.core"
    label = "core"
    verbose_name = "gridgov core"

    def ready(self):
        from . import security, sweep  # noqa: F401 - security connects its signal

        sweep.register("ratelimit", sweep._purge_rate_events)
        sweep.register("sessions", security.purge_sessions)
