"""`rasd simulate_round ROUND [--facilities N] [--seed S] [--via URL [--token T]]`: simulated submissions for the
expected facilities of a round, through the ingestion pipeline or over HTTP to an OpenRosa server."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.accounts.models import User
from rasd.collection.models import Round
from rasd.submissions.simulator import CannotFill, generate
from rasd.submissions.simulator.sending import Tally, ingest_all, post_all, submission_url


class Command(BaseCommand):
    help = (
        "Generate valid, plausible submissions of a round's questionnaire for its expected facilities and store "
        "them through the ingestion pipeline, or post them to an OpenRosa server (--via). Demo and load tests only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="code of the round")
        parser.add_argument("--facilities", type=int, default=None, help="only this many facilities, at random")
        parser.add_argument("--seed", type=int, default=0, help="another seed gives other answers (0)")
        parser.add_argument("--collector", default="", help="username submitting for facilities nobody is assigned")
        parser.add_argument(
            "--via",
            default="",
            help="post over HTTP to this OpenRosa server URL (…/openrosa/key/<token>, or a base URL with --token)",
        )
        parser.add_argument("--token", default="", help="device token, with a base URL in --via")
        parser.add_argument("--every", type=int, default=100, help="print a progress line every N submissions")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["via"]:
            raise CommandError("refused: RASD_PRODUCTION=1; simulated submissions must never reach a real round")
        round_ = Round.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"no round with the code {options['round']!r}")
        collector = None
        if options["collector"]:
            collector = User.objects.filter(username=options["collector"]).first()
            if collector is None:
                raise CommandError(f"no user {options['collector']!r}")
        if options["facilities"] is not None and options["facilities"] < 1:
            raise CommandError("--facilities must be at least 1")
        instances = generate(round_, facilities=options["facilities"], seed=options["seed"], collector=collector)

        def progress(done: int, counts: Counter[str]) -> None:
            self.stdout.write(f"  {done}: " + ", ".join(f"{key} {value}" for key, value in sorted(counts.items())))

        try:
            if options["via"]:
                url = submission_url(options["via"], options["token"])
                self.stdout.write(f"posting to {url}")
                tally = post_all(instances, url, every=options["every"], progress=progress)
            else:
                tally = ingest_all(instances, every=options["every"], progress=progress)
        except (CannotFill, LookupError) as error:
            raise CommandError(f"cannot simulate this round: {error}") from error
        self.stdout.write(summary(tally))


def summary(tally: Tally) -> str:
    rate = tally.total / tally.seconds if tally.seconds else 0.0
    counts = ", ".join(f"{key}: {value}" for key, value in sorted(tally.counts.items())) or "nothing to send"
    return f"{tally.total} submission(s) in {tally.seconds:.1f} s ({rate:.1f}/s) — {counts}"
