from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "gridgov.matters"
    label = "matters"
