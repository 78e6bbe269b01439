"""Roles and what each may do. Permissions are derived from the role only, so one table answers
"who can do what" (docs/accounts-and-scopes.md prints it)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Ordered from most to least privileged; RANK below relies on this order.
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    NATIONAL_MANAGER = "national_manager", _("National manager")
    DIRECTORATE_MANAGER = "directorate_manager", _("Directorate manager")
    SECTOR_SUPERVISOR = "sector_supervisor", _("Sector supervisor")
    DATA_COLLECTOR = "data_collector", _("Data collector")
    VIEWER = "viewer", _("Viewer (partner)")


RANK = {role: position for position, role in enumerate(Role)}


class Perm(models.TextChoices):
    VIEW_DASHBOARD = "view_dashboard", _("See the home page and summaries")
    VIEW_USERS = "view_users", _("See user accounts in their scope")
    MANAGE_USERS = "manage_users", _("Create and change user accounts in their scope")
    VIEW_AUDIT = "view_audit", _("Read the audit log")
    VIEW_REGISTRY = "view_registry", _("See the facilities in their scope")
    MANAGE_REGISTRY = "manage_registry", _("Create, change, merge and import facilities in their scope")
    VIEW_QUESTIONNAIRES = "view_questionnaires", _("See the questionnaires and their versions")
    MANAGE_QUESTIONNAIRES = "manage_questionnaires", _("Upload, publish and retire questionnaire versions")
    VIEW_ROUNDS = "view_rounds", _("See collection rounds and their progress")
    MANAGE_ROUNDS = "manage_rounds", _("Create collection rounds, choose their questionnaires and move their state")
    MANAGE_COLLECTORS = "manage_collectors", _("Assign facilities to collectors and issue device tokens in their scope")
    VIEW_SUBMISSIONS = "view_submissions", _("Read the submissions in their scope")
    SUBMIT_DATA = "submit_data", _("Send submissions (ODK Collect, browser entry, paper double entry)")
    IMPORT_DATA = "import_data", _("Import submissions from KoboToolbox and ODK Central exports in their scope")
    REVIEW_SUBMISSIONS = (
        "review_submissions",
        _("Review submissions in their scope: comment, return to the collector, accept data-quality issues"),
    )
    APPROVE_FOR_DIRECTORATE = (
        "approve_for_directorate",
        _("Approve or reject the submissions of their directorates (first level)"),
    )
    APPROVE_NATIONALLY = "approve_nationally", _("Approve or reject directorate-approved submissions (second level)")
    MANAGE_QUALITY_RULES = "manage_quality_rules", _("Define and change the data-quality rules")
    UNLOCK_ROUNDS = "unlock_rounds", _("Reopen a closed round's locked data, with a reason")


ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.SYSTEM_ADMIN: frozenset(Perm),
    Role.NATIONAL_MANAGER: frozenset(
        {
            Perm.VIEW_DASHBOARD,
            Perm.VIEW_USERS,
            Perm.MANAGE_USERS,
            Perm.VIEW_REGISTRY,
            Perm.MANAGE_REGISTRY,
            Perm.VIEW_QUESTIONNAIRES,
            Perm.MANAGE_QUESTIONNAIRES,
            Perm.VIEW_ROUNDS,
            Perm.MANAGE_ROUNDS,
            Perm.MANAGE_COLLECTORS,
            Perm.VIEW_SUBMISSIONS,
            Perm.SUBMIT_DATA,
            Perm.IMPORT_DATA,
            Perm.REVIEW_SUBMISSIONS,
            Perm.APPROVE_NATIONALLY,
            Perm.MANAGE_QUALITY_RULES,
        }
    ),
    Role.DIRECTORATE_MANAGER: frozenset(
        {
            Perm.VIEW_DASHBOARD,
            Perm.VIEW_USERS,
            Perm.MANAGE_USERS,
            Perm.VIEW_REGISTRY,
            Perm.MANAGE_REGISTRY,
            Perm.VIEW_QUESTIONNAIRES,
            Perm.VIEW_ROUNDS,
            Perm.MANAGE_COLLECTORS,
            Perm.VIEW_SUBMISSIONS,
            Perm.SUBMIT_DATA,
            Perm.IMPORT_DATA,
            Perm.REVIEW_SUBMISSIONS,
            Perm.APPROVE_FOR_DIRECTORATE,
        }
    ),
    Role.SECTOR_SUPERVISOR: frozenset(
        {
            Perm.VIEW_DASHBOARD,
            Perm.VIEW_USERS,
            Perm.MANAGE_USERS,
            Perm.VIEW_REGISTRY,
            Perm.VIEW_QUESTIONNAIRES,
            Perm.VIEW_ROUNDS,
            Perm.MANAGE_COLLECTORS,
            Perm.VIEW_SUBMISSIONS,
            Perm.SUBMIT_DATA,
            Perm.REVIEW_SUBMISSIONS,
        }
    ),
    Role.DATA_COLLECTOR: frozenset(
        {
            Perm.VIEW_DASHBOARD,
            Perm.VIEW_REGISTRY,
            Perm.VIEW_QUESTIONNAIRES,
            Perm.VIEW_ROUNDS,
            Perm.VIEW_SUBMISSIONS,
            Perm.SUBMIT_DATA,
        }
    ),
    Role.VIEWER: frozenset({Perm.VIEW_DASHBOARD, Perm.VIEW_REGISTRY, Perm.VIEW_QUESTIONNAIRES, Perm.VIEW_ROUNDS}),
}


def role_has(role: str, perm: Perm) -> bool:
    return perm in ROLE_PERMISSIONS.get(Role(role), frozenset())


def assignable_roles(actor_role: str) -> list[Role]:
    """Roles an actor may give to others: anything for a system administrator, otherwise only less
    privileged roles than their own, so nobody can raise anyone to their own level or above."""
    actor = Role(actor_role)
    if actor == Role.SYSTEM_ADMIN:
        return list(Role)
    if Perm.MANAGE_USERS not in ROLE_PERMISSIONS[actor]:
        return []
    return [role for role in Role if RANK[role] > RANK[actor]]
