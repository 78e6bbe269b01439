from django.apps import AppConfig


class OpenRosaConfig(AppConfig):
    name = "rasd.openrosa"
    verbose_name = "OpenRosa"
