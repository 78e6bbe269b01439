"""A complete demo on an empty database, for `rasd load_demo` (and so `make demo`) and for scripts.

Everything goes through the services a person would use: reference data, the demo master list, the default
questionnaire (published), an open round "HeRAMS Iraq <year>" over every open facility, one data collector per
sector with a device token, the demo administrator and, optionally, simulated submissions through `ingest()`.
Each step notices what an earlier run already did and skips it, so running the demo again changes nothing.
"""

from __future__ import annotations

import datetime
import io
import os
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from rasd.accounts.models import User
from rasd.accounts.roles import Role
from rasd.accounts.scoping import ScopeKind
from rasd.accounts.services import AccountDetails, create_account
from rasd.collection import services as collection
from rasd.collection.collect_settings import server_url
from rasd.collection.models import DeviceToken, ExpectedFacility, Round, RoundState
from rasd.lib.request_context import acting_as
from rasd.questionnaires.default_form import DEFAULT_DIR, FILENAME, build_xlsx, read_sheet
from rasd.questionnaires.models import QuestionnaireVersion, VersionState
from rasd.questionnaires.services import import_xlsform, publish_version
from rasd.registry.demo_loading import DemoAlreadyLoaded, load_demo_registry, reference_data_loaded
from rasd.registry.models import Facility, Sector
from rasd.submissions.models import Submission
from rasd.submissions.simulator import generate
from rasd.submissions.simulator.sending import Tally, ingest_all

ADMIN_USERNAME = "admin"  # as `rasd create_demo_admin` makes it
TOKEN_LABEL = "demo phone"  # noqa: S105 (a device name, not a secret)


@dataclass
class DemoCollector:
    username: str
    server_url: str
    token: str


@dataclass
class Demo:
    admin_username: str
    admin_password: str
    round_code: str
    form_id: str
    collectors: list[DemoCollector] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)  # what this run did or found, for the human summary
    submissions: Tally | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "admin": {"username": self.admin_username, "password": self.admin_password},
            "round": self.round_code,
            "form_id": self.form_id,
            "collectors": [
                {"username": c.username, "server_url": c.server_url, "token": c.token} for c in self.collectors
            ],
        }


def public_base() -> str:
    configured: str = getattr(settings, "RASD_PUBLIC_URL", "") or ""
    return configured.rstrip("/") or f"http://127.0.0.1:{os.environ.get('RASD_PORT', '8000')}"


def demo_admin() -> tuple[User, str]:
    """The demo administrator, made (or found unchanged) by `rasd create_demo_admin`, which keeps the password in
    the data directory so every run prints the same one."""
    call_command("create_demo_admin", stdout=io.StringIO())
    password = (settings.DATA_DIR / "demo-admin-password").read_text().strip()
    return User.objects.get(username__iexact=ADMIN_USERNAME), password


def ensure_questionnaire(admin: User, demo: Demo) -> QuestionnaireVersion:
    """The default questionnaire, imported and published once (the logic of `rasd load_default_questionnaire`)."""
    # The form ID and version are read from the settings sheet: converting the whole form takes seconds and is
    # needed only when the version is not there yet.
    header, values = read_sheet(DEFAULT_DIR, "settings")[:2]
    form_settings = dict(zip(header, values, strict=False))
    form_id, version_name = form_settings["form_id"], form_settings["version"]
    version = QuestionnaireVersion.objects.filter(questionnaire__form_id=form_id, version=version_name).first()
    if version is None:
        version = import_xlsform(admin, build_xlsx(), filename=FILENAME, publish=True)
        demo.steps.append(f"questionnaire {form_id} {version_name} imported and published")
    elif version.state == VersionState.DRAFT:
        version = publish_version(admin, version)
        demo.steps.append(f"questionnaire {form_id} {version_name} published")
    return version


def ensure_round(admin: User, version: QuestionnaireVersion, year: int, demo: Demo) -> Round:
    code = f"herams-iraq-{year}"
    round_ = Round.objects.filter(code=code).first()
    if round_ is None:
        round_ = collection.create_round(
            admin,
            code=code,
            name=f"HeRAMS Iraq {year}",
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
            deadline=datetime.date(year, 12, 31),
            versions=[version],
        )
        demo.steps.append(f"round {code} created")
    if round_.state == RoundState.PLANNING:
        added = collection.expect_facilities_in_scope(admin, round_)
        round_ = collection.set_round_state(admin, round_, RoundState.COLLECTING, reason="demo")
        demo.steps.append(f"round {code}: {added} facilities expected, collecting")
    return round_


def ensure_collectors(admin: User, round_: Round, demo: Demo) -> list[DemoCollector]:
    """One data collector per sector that has an expected facility, each with one device token. Collectors sign
    in with their token only, so their password is random and never shown."""
    expected = Facility.objects.filter(
        pk__in=ExpectedFacility.objects.filter(round=round_, removed_at__isnull=True).values("facility_id")
    )
    sectors = Sector.objects.filter(pk__in=expected.values("sector")).order_by("code")
    created = 0
    users: list[User] = []
    for sector in sectors:
        username = f"collector-{sector.code}"
        user = User.objects.filter(username=username).first()
        if user is None:
            details = AccountDetails(
                username=username,
                full_name=f"جامع بيانات {sector.name_ar}",
                role=Role.DATA_COLLECTOR,
                scope_kind=ScopeKind.SECTORS,
                scope_sectors=[sector],
            )
            user = create_account(admin, details, secrets.token_urlsafe(24), reason="demo")
            created += 1
        users.append(user)
    assigned = collection.assign_by_scope(admin, round_)
    collectors = []
    for user in users:
        token = DeviceToken.objects.filter(user=user, revoked_at__isnull=True).order_by(
            "created_at", "pk"
        ).first() or collection.issue_device_token(admin, user, TOKEN_LABEL)
        collectors.append(DemoCollector(user.username, server_url(public_base(), token), token.token))
    if created or assigned:
        demo.steps.append(f"{created} collector(s) created, {assigned} assignment(s) added")
    return collectors


def load_demo(
    *, facilities: int = 5205, submissions: int = 0, seed: int = 1, today: datetime.date | None = None
) -> Demo:
    """Prepare (or find) the demo and return what a person or a script needs to use it."""
    today = today or timezone.localdate()
    if not reference_data_loaded():
        call_command("load_reference_data", stdout=io.StringIO())
    admin, password = demo_admin()
    demo = Demo(admin_username=admin.username, admin_password=password, round_code="", form_id="")
    with acting_as(None, request_id="load_demo"):
        try:
            summary = load_demo_registry(facilities, seed)
            if not summary.already_loaded:
                demo.steps.append(f"demo registry: {summary.facilities_created} facilities")
        except DemoAlreadyLoaded as loaded:
            demo.steps.append(f"another demo registry is loaded ({loaded}); kept it")
    with acting_as(admin, request_id="load_demo"):
        version = ensure_questionnaire(admin, demo)
        # The HeRAMS data-quality rules name the default questionnaire's fields: loaded after it (idempotent).
        call_command("load_quality_rules", stdout=io.StringIO())
        round_ = ensure_round(admin, version, today.year, demo)
        demo.round_code, demo.form_id = round_.code, version.questionnaire.form_id
        demo.collectors = ensure_collectors(admin, round_, demo)
    if submissions > 0 and not Submission.objects.filter(round=round_).exists():
        # Facilities nobody is assigned (directorate-level ones such as hospitals) are sent by the administrator,
        # as a directorate office would enter them.
        demo.submissions = ingest_all(generate(round_, facilities=submissions, seed=seed, collector=admin, today=today))
        demo.steps.append(f"{demo.submissions.total} simulated submission(s): {dict(demo.submissions.counts)}")
        from rasd.review.demo import review_some  # review builds on submissions, not the other way round

        with acting_as(admin, request_id="load_demo"):
            demo.steps.append(review_some(admin, round_))
    return demo
