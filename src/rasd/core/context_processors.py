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
    ("webentry:start", _("Enter data"), Perm.SUBMIT_DATA),
    ("paperentry:paper_list", _("Paper forms"), Perm.SUBMIT_DATA),
    ("registry:quality_summary", _("Data quality"), Perm.VIEW_REGISTRY),
]
# Administration pages, in the account menu: the bar stays on one line at 1280 pixels in every language.
ACCOUNT_MENU = [
    ("accounts:user_list", _("Users"), Perm.VIEW_USERS),
    ("audit:entry_list", _("Audit log"), Perm.VIEW_AUDIT),
]


def rasd(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    navigation: list[dict[str, Any]] = []
    account_menu: list[dict[str, Any]] = []
    # What the user may do, for templates: {% if "view_submissions" in user_perms %}.
    user_perms: frozenset[str] = frozenset()
    if user is not None and user.is_authenticated:
        user_perms = frozenset(perm.value for perm in Perm if user.can(perm))
        navigation = _items(request, NAVIGATION, user_perms)
        account_menu = _items(request, ACCOUNT_MENU, user_perms)
    return {
        "rasd_version": settings.VERSION,
        "navigation": navigation,
        "account_menu": account_menu,
        "languages": settings.LANGUAGES,
        "user_perms": user_perms,
    }


def _items(
    request: HttpRequest, entries: list[tuple[str, Any, Perm]], user_perms: frozenset[str]
) -> list[dict[str, Any]]:
    return [
        {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
        for name, label, perm in entries
        if perm in user_perms
    ]
