"""Fixtures of the review tests (domain and pages): see tests/review/helpers.py."""

from tests.review.helpers import review_world

__all__ = ["review_world"]
