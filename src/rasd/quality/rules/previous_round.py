"""Checks against the same facility's record in the previous round: a count that changed by more than a third
(WHO Data Quality Review, consistency over time), and a building or its equipment going from fully damaged to not
damaged without a note saying why (HeRAMS).

The previous round is the round with the latest period that started before this one's; its record is the current
version of the facility's record there (the latest received, should there be two). Each version is compared in
its own questionnaire's terms, through field roles, so renamed fields between rounds do not matter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rasd.collection.models import Round
from rasd.quality.rules.base import Context, Finding, FormInfo, Rule, RuleSource, TimedCache, form_info
from rasd.quality.rules.catalogue import check, on_batch, register
from rasd.quality.rules.measures import MEASURES, Measure, field_of, shown, value_of
from rasd.quality.rules.rows import previous_record_row
from rasd.registry.quality.base import Severity
from rasd.submissions.models import Submission

PREVIOUS_KEY = "previous_round.records"
CHANGE_LIMIT = 0.33  # more than a third up or down
MIN_DIFFERENCE = 3  # and at least this many: 2 beds becoming 3 is +50% but no data-quality question
DAMAGE_PILLARS = ("building_damage", "equipment_damage")
NOTE_SUFFIXES = ("_note", "_notes", "_comment", "_comments", "_explanation")
LANGUAGES = ("ar", "ckb", "en")

register(
    Rule(
        "who_dq.year_over_year",
        Severity.MEDIUM,
        RuleSource.WHO_DQ,
        _("Large change since the previous round"),
        _(
            "%(measure)s: %(current)s now, %(previous)s in the previous round (%(round)s), a change of %(change)s%% "
            "(more than ±33%%)."
        ),
        threshold="±33% and at least 3",
    ),
    Rule(
        "herams.damage_recovered_without_note",
        Severity.MEDIUM,
        RuleSource.HERAMS,
        _("Fully damaged before, not damaged now, without a note"),
        _(
            "“%(field)s” was fully damaged in the previous round (%(round)s) and is not damaged now, and no note "
            "explains it."
        ),
    ),
)


@dataclass(frozen=True)
class PreviousRecord:
    round_code: str
    answers: Mapping[str, Any]
    form: FormInfo


def previous_records(round_: Round, facility_ids: Iterable[int]) -> dict[int, PreviousRecord]:
    """{facility id: its record in the previous round}, in one query."""
    ids = set(facility_ids)
    if not ids:
        return {}
    rows = (
        Submission.objects.filter(
            facility_id__in=ids, round__period_start__lt=round_.period_start, current_version__isnull=False
        )
        .order_by("facility_id", "-round__period_start", "-current_version__received_at", "-pk")
        .values_list(
            "facility_id",
            "round__code",
            "current_version__answers",
            "current_version__questionnaire_version_id",
            "current_version__questionnaire_version__md5",
        )
    )
    found: dict[int, PreviousRecord] = {}
    for facility_id, code, answers, version_id, md5 in rows:
        if facility_id not in found:
            found[facility_id] = PreviousRecord(code, answers or {}, form_info(version_id, md5))
    return found


def _previous_record(round_: Round, facility_id: int) -> PreviousRecord | None:
    """What `previous_records` finds for one facility, in a statement written once (the ingestion hook's case)."""
    row = previous_record_row(facility_id, round_.period_start)
    if row is None:
        return None
    code, answers, version_id, md5 = row
    return PreviousRecord(code, answers, form_info(version_id, md5))


_earlier = TimedCache()


def _has_earlier_round(round_: Round) -> bool:
    def load() -> bool:
        return Round.objects.filter(period_start__lt=round_.period_start).exists()

    return bool(_earlier.get(round_.pk, load))


@on_batch(PREVIOUS_KEY)
def _batch(round_: Round, records: Sequence[Submission], shared: Mapping[str, object]) -> dict[int, PreviousRecord]:
    return previous_records(round_, (record.facility_id for record in records if record.facility_id is not None))


@check
def against_previous_round(context: Context) -> list[Finding]:
    facility = context.facility
    if facility is None:
        return []
    if PREVIOUS_KEY in context.shared:
        known = cast(dict[int, PreviousRecord], context.shared[PREVIOUS_KEY])
        previous = known.get(facility.pk)
    elif _has_earlier_round(context.round):
        previous = _previous_record(context.round, facility.pk)
    else:
        previous = None  # most rounds: the first one, nothing to compare with (and no query)
    if previous is None:
        return []
    answers = context.version.answers or {}
    found = [
        *(_change(measure, context.form, answers, previous) for measure in MEASURES),
        *(_recovered(pillar, context.form, answers, previous) for pillar in DAMAGE_PILLARS),
    ]
    return [finding for finding in found if finding is not None]


def _change(measure: Measure, form: FormInfo, answers: Mapping[str, Any], previous: PreviousRecord) -> Finding | None:
    current, before = value_of(measure, form, answers), value_of(measure, previous.form, previous.answers)
    if current is None or not before:  # nothing to compare, or no ratio to a count of zero
        return None
    change = (current - before) / before
    if abs(change) <= CHANGE_LIMIT or abs(current - before) < MIN_DIFFERENCE:
        return None
    params = {
        "measure": in_languages(measure.label),
        "current": shown(current),
        "previous": shown(before),
        "round": previous.round_code,
        "change": f"{change * 100:+.0f}",
    }
    return Finding("who_dq.year_over_year", field_of(measure, form), params)


def _recovered(pillar: str, form: FormInfo, answers: Mapping[str, Any], previous: PreviousRecord) -> Finding | None:
    role = f"status:{pillar}"
    paths = form.paths_matching("role", role)
    before = [previous.answers.get(path) for path in previous.form.paths_matching("role", role)]
    if not paths or "fully_damaged" not in before or answers.get(paths[0]) != "not_damaged":
        return None
    if _has_note(form, paths[0], answers):
        return None
    params = {"field": dict(form.fields[paths[0]].labels), "round": previous.round_code}
    return Finding("herams.damage_recovered_without_note", paths[0], params)


def _has_note(form: FormInfo, path: str, answers: Mapping[str, Any]) -> bool:
    """A note explaining the change: an answered field of the same group named `…_note`, `…_comment` or
    `…_explanation` (the default questionnaire has none, so there a jump is always flagged)."""
    group = path.rsplit("/", 1)[0]
    return any(
        other.rsplit("/", 1)[0] == group and other.endswith(NOTE_SUFFIXES) and str(answers.get(other) or "").strip()
        for other in form.fields
    )


def in_languages(text: Any) -> dict[str, str]:
    """A translated text in rasd's three languages, for a message shown later in the reader's."""
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            texts[language] = str(text)
    return texts
