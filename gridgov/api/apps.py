from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gridgov.api"
    label = "api"

    def ready(self):
        from gridgov.core import actors

        actors.register("open311", _open311_reporter)


def _open311_reporter(client: str) -> str:
    from django.utils.translation import gettext as _

    return _("the public (Open311 app · %(client)s)") % {"client": client}
