from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "gridgov.enforcement"
    label = "enforcement"
