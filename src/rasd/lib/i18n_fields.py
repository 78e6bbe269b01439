"""Names kept in the three languages of rasd, shown in the reader's language."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TrilingualName(models.Model):
    """Arabic name first (official); English and Kurdish Sorani may be blank until someone adds them."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ckb = models.CharField(_("name (Kurdish)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Arabic, then English."""
        language = (get_language() or "ar").split("-")[0]
        preferred = {"ar": self.name_ar, "en": self.name_en, "ckb": self.name_ckb}.get(language, "")
        return preferred or self.name_ar or self.name_en
