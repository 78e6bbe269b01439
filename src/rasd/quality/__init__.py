"""Data quality of submissions: rules checked the moment a version arrives, and the issues they leave open until
an edit resolves them or a reviewer accepts the answer as valid. See docs/data-quality.md.

`rules/` holds the catalogue and the checks, `services.py` runs them (the ingestion hook, `validate_round`) and
keeps the issues; `selectors.py` counts them for pages.
"""
