"""Review of submissions: states, comments, returns to collectors, two-level approval and the round lock.
See docs/review.md."""
