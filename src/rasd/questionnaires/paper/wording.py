"""The fixed wording of a printed form, as gettext messages (context "paper form") rendered in the form's language.

A paper form is printed in the questionnaire's language(s), whatever the language of the person who downloads it, so
each phrase is translated under `translation.override(form language)`, never in the active interface language. The
messages share the interface's catalogues and translation workflow (docs/translations.md); the context keeps them
apart from interface words that read the same in English ("Round", "Sector") but may be worded differently on paper.
Sentences are whole messages with named placeholders; lists are joined by a message too, as word order and
conjunctions differ between the three languages.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

PRINT_LANGUAGES = ("ar", "ckb", "en")
RTL_LANGUAGES = frozenset({"ar", "ckb"})

PHRASES: dict[str, Promise] = {
    # Skip instructions: "Answer 12.3 only if the answer to 12.1 is “Partially available”."
    "answer_only_if": pgettext_lazy("paper form", "Answer %(q)s only if %(cond)s."),
    "section_only_if": pgettext_lazy("paper form", "Answer section %(q)s only if %(cond)s."),
    "unparsed": pgettext_lazy("paper form", "the form's condition written below holds"),
    "is": pgettext_lazy("paper form", "the answer to %(q)s is %(values)s"),
    "is_not": pgettext_lazy("paper form", "the answer to %(q)s is not %(values)s"),
    "ticked": pgettext_lazy("paper form", "%(value)s is ticked in %(q)s"),
    "not_ticked": pgettext_lazy("paper form", "%(value)s is not ticked in %(q)s"),
    "answered": pgettext_lazy("paper form", "%(q)s is answered"),
    "not_answered": pgettext_lazy("paper form", "%(q)s is not answered"),
    ">": pgettext_lazy("paper form", "%(q)s is more than %(n)s"),
    ">=": pgettext_lazy("paper form", "%(q)s is %(n)s or more"),
    "<": pgettext_lazy("paper form", "%(q)s is less than %(n)s"),
    "<=": pgettext_lazy("paper form", "%(q)s is %(n)s or less"),
    "not": pgettext_lazy("paper form", "it is not the case that %(cond)s"),
    "and": pgettext_lazy("paper form", "%(left)s and %(right)s"),
    "or": pgettext_lazy("paper form", "%(left)s or %(right)s"),
    # Translators: a list of names, e.g. services left out of a form (Arabic uses "؛").
    "list": pgettext_lazy("paper form", "%(left)s; %(right)s"),
    # Translators: quotation marks around a choice's label (Arabic and Kurdish use «…»).
    "quote": pgettext_lazy("paper form", "“%(text)s”"),
    # Conditions on what the facility list says about the facility (facilities.csv), known before the visit.
    "level_is": pgettext_lazy("paper form", "the facility's level of care is %(values)s"),
    "level_is_not": pgettext_lazy("paper form", "the facility's level of care is not %(values)s"),
    "type_is": pgettext_lazy("paper form", "the facility's type is %(values)s"),
    "type_is_not": pgettext_lazy("paper form", "the facility's type is not %(values)s"),
    "status_is": pgettext_lazy("paper form", "the facility's status is %(values)s"),
    "status_is_not": pgettext_lazy("paper form", "the facility's status is not %(values)s"),
    "left_out_level": pgettext_lazy(
        "paper form", "Not printed, because the facility's level of care is %(level)s: %(items)s."
    ),
    "left_out": pgettext_lazy(
        "paper form", "Not printed, because they do not apply to this facility (its type, level or status): %(items)s."
    ),
    # The form's first page and running texts.
    "section": pgettext_lazy("paper form", "Section %(n)s"),
    "version": pgettext_lazy("paper form", "Version"),
    "facility_code": pgettext_lazy("paper form", "Facility code"),
    "facility_name": pgettext_lazy("paper form", "Facility name"),
    "directorate": pgettext_lazy("paper form", "Directorate of health"),
    "sector": pgettext_lazy("paper form", "Sector"),
    "level_of_care": pgettext_lazy("paper form", "Level of care"),
    "round": pgettext_lazy("paper form", "Round"),
    "collector": pgettext_lazy("paper form", "Data collector"),
    "date": pgettext_lazy("paper form", "Date of visit"),
    "signature": pgettext_lazy("paper form", "Signature"),
    "tick_one": pgettext_lazy("paper form", "Tick one box"),
    "tick_any": pgettext_lazy("paper form", "Tick all that apply"),
    "how_to_skip": pgettext_lazy(
        "paper form",
        "When a question or section has an instruction “Answer … only if …” above it, answer it only when the "
        "instruction holds; otherwise leave it empty.",
    ),
    "repeat": pgettext_lazy("paper form", "Repeat this part as needed"),
    "page": pgettext_lazy("paper form", "Page %(page)s of %(pages)s"),
    "blank": pgettext_lazy("paper form", "Blank form"),
}


def phrase(key: str, language: str, **values: str) -> str:
    """A phrase in `language` (the form's, not the reader's), its placeholders filled with `values`."""
    with translation.override(language):
        template = str(PHRASES[key])
    return template % values if values else template


def join(key: str, parts: Sequence[str], language: str) -> str:
    """Parts joined by the "and", "or" or "list" message, left to right: "a, b or c" reads "a or b or c"."""
    text = parts[0]
    for part in parts[1:]:
        text = phrase(key, language, left=text, right=part)
    return text
