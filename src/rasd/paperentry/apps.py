from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaperEntryConfig(AppConfig):
    name = "rasd.paperentry"
    verbose_name = _("Paper double entry")
