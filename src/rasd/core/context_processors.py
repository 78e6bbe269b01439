from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rasd.accounts.roles import Perm

# (label, [(url name, permission needed), ...]): the navigation bar, in order; it stays on one line at 1280 pixels in
# Arabic (the facility map is one click from the facility list). An entry links to the first page the
# user's role may open (e.g. "Approval" opens national approval for national managers, the directorate's for others).
NAVIGATION: list[tuple[Any, list[tuple[str, Perm]]]] = [
    (_("Home"), [("core:home", Perm.VIEW_DASHBOARD)]),
    (_("Facilities"), [("registry:facility_list", Perm.VIEW_REGISTRY)]),
    (_("Questionnaires"), [("questionnaires:questionnaire_list", Perm.VIEW_QUESTIONNAIRES)]),
    (_("Rounds"), [("collection:round_list", Perm.VIEW_ROUNDS)]),
    (_("Submissions"), [("submissions:submission_list", Perm.VIEW_SUBMISSIONS)]),
    (_("Enter data"), [("webentry:start", Perm.SUBMIT_DATA)]),
    (_("Paper forms"), [("paperentry:paper_list", Perm.SUBMIT_DATA)]),
    (
        _("Approval"),
        [("review:national", Perm.APPROVE_NATIONALLY), ("review:directorate", Perm.APPROVE_FOR_DIRECTORATE)],
    ),
    # Submissions' data quality for those who read submissions; the facility list's for partners.
    (
        _("Data quality"),
        [("quality:dashboard", Perm.VIEW_SUBMISSIONS), ("registry:quality_summary", Perm.VIEW_REGISTRY)],
    ),
]
# Administration pages, in the account menu: the bar stays on one line at 1280 pixels in every language.
ACCOUNT_MENU: list[tuple[Any, list[tuple[str, Perm]]]] = [
    (_("Users"), [("accounts:user_list", Perm.VIEW_USERS)]),
    (_("Data-quality rules"), [("quality:rule_list", Perm.MANAGE_QUALITY_RULES)]),
    (_("Audit log"), [("audit:entry_list", Perm.VIEW_AUDIT)]),
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
    request: HttpRequest, entries: list[tuple[Any, list[tuple[str, Perm]]]], user_perms: frozenset[str]
) -> list[dict[str, Any]]:
    items = []
    for label, pages in entries:
        name = next((name for name, perm in pages if perm in user_perms), None)
        if name is not None:
            url = reverse(name)
            items.append({"url": url, "label": label, "active": request.path == url})
    return items
