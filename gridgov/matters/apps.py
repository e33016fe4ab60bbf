from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "gridgov.matters"
    label = "matters"

    def ready(self):
        from gridgov.core import sweep

        from . import drafts
        from .escalation import sweep_line

        sweep.register("matters", sweep_line)
        sweep.register("report-drafts", drafts.sweep_line)
