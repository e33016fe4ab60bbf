from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "gridgov.notifications"
    label = "notifications"
