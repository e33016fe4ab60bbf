from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "gridgov.matters"
    label = "matters"

    def ready(self):
        from gridgov.core import actors, sweep

        from . import drafts
        from .escalation import sweep_line

        sweep.register("matters", sweep_line)
        sweep.register("report-drafts", drafts.sweep_line)
        actors.register("public:sign", _sign_reporter)


def _sign_reporter(code: str) -> str:
    from django.utils.translation import gettext as _

    from .models import Sign

    name = Sign.objects.filter(code=code).values_list("name", flat=True).first()
    return _("the public (QR sign · %(sign)s)") % {"sign": name or code}
