"""Who a record waits for, by its state: the review queues the dashboard counts and the review pages list."""

from __future__ import annotations

from rasd.submissions.models import SubmissionState

# A directorate's reviewers (first-level approval) act on these.
WAITING_FOR_DIRECTORATE = frozenset({SubmissionState.RECEIVED, SubmissionState.HAS_ISSUES, SubmissionState.EDITED})
# National managers (second-level approval) act on these, directorate by directorate.
WAITING_FOR_NATIONAL = frozenset({SubmissionState.APPROVED_DIRECTORATE})
# The collector who sent the record must edit it.
WAITING_FOR_COLLECTOR = frozenset({SubmissionState.RETURNED})
# Someone must place the record (facility unknown, closed, outside the assignment…) before it can be reviewed.
WAITING_FOR_PLACEMENT = frozenset({SubmissionState.QUARANTINED})
