"""Signals other apps listen to, so quality does not need to know who cares (the review workflow does)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the open issues of some records changed (opened, resolved or accepted), inside the transaction that
# changed them. `submission_ids`: a frozenset of Submission primary keys.
issues_changed = Signal()
