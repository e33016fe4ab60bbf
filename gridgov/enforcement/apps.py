from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "gridgov.enforcement"
    label = "enforcement"

    def ready(self):
        from gridgov.core import sweep

        from .payments import sweep_line

        sweep.register("payments", sweep_line)
