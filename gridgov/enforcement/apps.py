from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "gridgov.enforcement"
    label = "enforcement"

    def ready(self):
        from gridgov.core import actors, sweep

        from .payments import sweep_line

        sweep.register("payments", sweep_line)
        actors.register("payment", _payment_notice)
        actors.register("linkage", _linkage_reply)


def _payment_notice(provider: str) -> str:
    from django.utils.translation import gettext as _

    return _("system: payment notice from %(provider)s") % {"provider": provider}


def _linkage_reply(agency: str) -> str:
    from django.utils.translation import gettext as _

    from .models import Agency

    name = dict(Agency.choices).get(agency, agency)
    return _("system: linkage reply from %(agency)s") % {"agency": name}
