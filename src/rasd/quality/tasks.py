"""Background tasks of the quality checks (a worker runs them: `rasd db_worker`)."""

from __future__ import annotations

import logging

from django_tasks import task

from rasd.collection.models import Round
from rasd.quality.services import validate_round

log = logging.getLogger(__name__)


@task()
def validate_round_task(round_id: int) -> None:
    """`rasd validate_round` for one round, started from the rule pages after a rule changed."""
    round_ = Round.objects.get(pk=round_id)
    outcome = validate_round(round_)
    log.info(
        "validate_round %s: %d records, %d issues opened, %d resolved, %d seen again",
        round_.code,
        outcome.records,
        outcome.opened,
        outcome.resolved,
        outcome.seen_again,
    )
