"""Outliers among peers: a count (beds, functional beds, staff) far from those of the same facility type in the
round, by the modified z-score of the WHO Data Quality Tool, 0.6745·(x − median)/MAD: above 3.5 a moderate
outlier, above 5 an extreme one. When more than half the peers have the same value (MAD = 0) the tool's fallback
0.7979·(x − median)/mean absolute deviation is used; when all have the same value nothing is an outlier.

The peer statistics are computed once per round, by `validate_round`, and stored (`PeerStatistic`); a submission
arriving is compared with the stored ones, in one query, without reading its peers. Until `validate_round` has run
for a round, nothing is an outlier there. A facility type is at one level of care, so "same type and level of
care" is the type. Groups smaller than `RASD_QUALITY_PEER_GROUP_MIN` (8) are not judged.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rasd.quality.models import PeerStatistic
from rasd.quality.rules.base import Context, Finding, Rule, RuleSource, TimedCache, form_info
from rasd.quality.rules.catalogue import check, on_round, register
from rasd.quality.rules.measures import MEASURES, field_of, shown, value_of
from rasd.quality.rules.previous_round import in_languages
from rasd.registry.quality.base import Severity
from rasd.submissions.models import Submission

if TYPE_CHECKING:
    from rasd.collection.models import Round

PEERS_KEY = "outliers.statistics"
MODERATE = 3.5
EXTREME = 5.0
DEFAULT_PEER_GROUP_MIN = 8

_MESSAGE = _(
    "%(measure)s: %(value)s, far from the %(count)s facilities of the same type in the round (median %(median)s, "
    "modified z-score %(z)s)."
)
register(
    Rule(
        "who_dq.outlier_moderate",
        Severity.LOW,
        RuleSource.WHO_DQ,
        _("Moderate outlier among peers"),
        _MESSAGE,
        threshold="modified z-score > 3.5",
    ),
    Rule(
        "who_dq.outlier_extreme",
        Severity.MEDIUM,
        RuleSource.WHO_DQ,
        _("Extreme outlier among peers"),
        _MESSAGE,
        threshold="modified z-score > 5",
    ),
)


def peer_group_min() -> int:
    # settings.QUALITY_PEER_GROUP_MIN comes from RASD_QUALITY_PEER_GROUP_MIN, when the settings define it.
    return int(getattr(settings, "QUALITY_PEER_GROUP_MIN", DEFAULT_PEER_GROUP_MIN))


@dataclass(frozen=True)
class Spread:
    count: int
    median: float
    mad: float
    mean_ad: float

    def z(self, value: float) -> float | None:
        if self.mad > 0:
            return 0.6745 * (value - self.median) / self.mad
        if self.mean_ad > 0:
            return 0.7979 * (value - self.median) / self.mean_ad
        return None

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        median = statistics.median(values)
        deviations = [abs(value - median) for value in values]
        return cls(len(values), median, statistics.median(deviations), statistics.fmean(deviations))


Statistics = dict[int, dict[str, Spread]]  # facility type id -> measure code -> spread


@on_round(PEERS_KEY)
def refresh_statistics(round_: Round) -> Statistics:
    """The peer statistics of the round, from the current version of every record with a facility (one pass),
    stored in place of the previous ones."""
    values: dict[tuple[int, str], list[float]] = {}
    rows = (
        Submission.objects.filter(round=round_, current_version__isnull=False, facility__isnull=False)
        .order_by()
        .values_list(
            "facility__facility_type_id",
            "current_version__answers",
            "current_version__questionnaire_version_id",
            "current_version__questionnaire_version__md5",
        )
    )
    for type_id, answers, version_id, md5 in rows.iterator(chunk_size=500):
        form = form_info(version_id, md5)
        for measure in MEASURES:
            value = value_of(measure, form, answers or {})
            if value is not None:
                values.setdefault((type_id, measure.code), []).append(value)
    found: Statistics = {}
    stored = []
    for (type_id, code), numbers in sorted(values.items()):
        spread = Spread.of(numbers)
        found.setdefault(type_id, {})[code] = spread
        stored.append(
            PeerStatistic(
                round=round_,
                facility_type_id=type_id,
                measure=code,
                count=spread.count,
                median=spread.median,
                mad=spread.mad,
                mean_ad=spread.mean_ad,
            )
        )
    # Derived data, recomputed in full: the previous run's rows are replaced.
    PeerStatistic.objects.filter(round=round_).delete()
    PeerStatistic.objects.bulk_create(stored)
    _stored_statistics.clear()
    return found


_stored_statistics = TimedCache()


def _stored(round_: Round, type_id: int) -> dict[str, Spread]:
    """The statistics of the facility's peers as the last `validate_round` stored them (read at most every
    `CACHE_SECONDS` by a process; `refresh_statistics` clears its own process's copy)."""

    def load() -> dict[str, Spread]:
        rows = PeerStatistic.objects.filter(round=round_, facility_type_id=type_id).values_list(
            "measure", "count", "median", "mad", "mean_ad"
        )
        return {code: Spread(count, median, mad, mean_ad) for code, count, median, mad, mean_ad in rows}

    return cast(dict[str, Spread], _stored_statistics.get((round_.pk, type_id), load))


@check
def peer_outliers(context: Context) -> list[Finding]:
    facility = context.facility
    if facility is None:
        return []
    type_id = facility.facility_type_id
    if PEERS_KEY in context.shared:
        peers = cast(Statistics, context.shared[PEERS_KEY]).get(type_id, {})
    else:
        peers = _stored(context.round, type_id)
    minimum = peer_group_min()
    answers = context.version.answers or {}
    findings = []
    for measure in MEASURES:
        spread = peers.get(measure.code)
        value = value_of(measure, context.form, answers)
        if spread is None or spread.count < minimum or value is None:
            continue
        z = spread.z(value)
        if z is None or abs(z) <= MODERATE:
            continue
        params = {
            "measure": in_languages(measure.label),
            "value": shown(value),
            "median": shown(spread.median),
            "z": round(z, 1),
            "count": spread.count,
        }
        code = "who_dq.outlier_extreme" if abs(z) > EXTREME else "who_dq.outlier_moderate"
        findings.append(Finding(code, field_of(measure, context.form), params))
    return findings
