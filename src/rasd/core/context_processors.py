from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rasd.accounts.roles import Perm

# (url name, label, permission needed): the navigation bar, in order.
NAVIGATION = [
    ("core:home", _("Home"), Perm.VIEW_DASHBOARD),
    ("registry:facility_list", _("Facilities"), Perm.VIEW_REGISTRY),
    ("registry:facility_map", _("Map"), Perm.VIEW_REGISTRY),
    ("questionnaires:questionnaire_list", _("Questionnaires"), Perm.VIEW_QUESTIONNAIRES),
    ("collection:round_list", _("Rounds"), Perm.VIEW_ROUNDS),
    ("submissions:submission_list", _("Submissions"), Perm.VIEW_SUBMISSIONS),
    ("accounts:user_list", _("Users"), Perm.VIEW_USERS),
    ("audit:entry_list", _("Audit log"), Perm.VIEW_AUDIT),
    ("registry:quality_summary", _("Data quality"), Perm.VIEW_REGISTRY),
]


def rasd(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    navigation = []
    # What the user may do, for templates: {% if "view_submissions" in user_perms %}.
    user_perms: frozenset[str] = frozenset()
    if user is not None and user.is_authenticated:
        user_perms = frozenset(perm.value for perm in Perm if user.can(perm))
        navigation = [
            {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
            for name, label, perm in NAVIGATION
            if perm in user_perms
        ]
    return {
        "rasd_version": settings.VERSION,
        "navigation": navigation,
        "languages": settings.LANGUAGES,
        "user_perms": user_perms,
    }
