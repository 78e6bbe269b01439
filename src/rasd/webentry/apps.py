from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebEntryConfig(AppConfig):
    name = "rasd.webentry"
    verbose_name = _("Browser entry")
