"""Printed forms as PDF (WeasyPrint): a header per facility with a QR code, then the numbered form.

A batch is never laid out in one piece: the questions are laid out and written once for each kind of facility (they
differ only by what the facility list leaves out, see facility.py), the facilities' first pages are laid out one by
one and written in groups, and pypdf merges the pages, sharing the questions' page contents between forms instead of
copying them.

The QR code holds a compact JSON object, documented in docs/paper-forms.md and read back by paper double entry:
`{"f": facility code, "q": form id, "v": version, "r": round}`; a blank form has no "f", and "r" is there only
when a round was given.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

import segno
from django.template.loader import render_to_string
from django.utils import translation

from rasd.questionnaires.models import QuestionnaireVersion
from rasd.questionnaires.paper.facility import facts_of
from rasd.questionnaires.paper.layout import Plan, PrintedForm, Text, build, decisions_for, phrases, plan
from rasd.questionnaires.paper.wording import PRINT_LANGUAGES, RTL_LANGUAGES, phrase
from rasd.registry.models import Facility
from rasd.registry.models.facilities import LevelOfCare

if TYPE_CHECKING:
    from pypdf import PdfReader

# WeasyPrint logs seven progress lines per document at INFO: noise in the logs of a batch of hundreds of forms.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
# fontTools logs every font it subsets, glyph lists included, at INFO: a first page and a body per form make that
# thousands of lines a batch, and formatting them costs seconds.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# The languages a form can be printed in: one language, or Arabic with English under it.
LANGUAGE_CHOICES = (*PRINT_LANGUAGES, "ar+en")


def print_languages(choice: str) -> list[str]:
    if choice not in LANGUAGE_CHOICES:
        raise ValueError(f"unknown print language {choice!r}: choose one of {', '.join(LANGUAGE_CHOICES)}")
    return choice.split("+")


def qr_payload(form_id: str, version: str, facility_code: str = "", round_: str = "") -> str:
    data = {"f": facility_code, "q": form_id, "v": version, "r": round_}
    kept = {key: value for key, value in data.items() if value or key in ("q", "v")}
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))


@dataclass
class HeaderLine:
    labels: list[Text]
    value: str = ""
    ltr: bool = False  # codes and numbers
    names: list[Text] = field(default_factory=list)  # a facility's names, each in its own direction


@dataclass
class Header:
    lines: list[HeaderLine] = field(default_factory=list)
    qr: str = ""  # data: URI of the QR code image
    payload: str = ""


def header(form: PrintedForm, facility: Facility | None, round_: str) -> Header:
    languages = form.languages

    def line(key: str, value: str = "", ltr: bool = False) -> HeaderLine:
        return HeaderLine(phrases(key, languages), value, ltr)

    # The level of care decides which services the form asks about: printed when the form's conditions read it.
    level = [line("level_of_care", _level(facility, languages) if facility else "")] if form.reads_level else []

    lines = [line("facility_code", facility.code if facility else "", ltr=True)]
    if facility is not None:
        names = [
            Text(lang, getattr(facility, f"name_{lang}"))
            for lang in PRINT_LANGUAGES
            if getattr(facility, f"name_{lang}")
        ]
        sector = _names(facility.sector, languages) if facility.sector else "—"
        lines += [
            HeaderLine(phrases("facility_name", languages), names=names),
            line("directorate", _names(facility.directorate, languages)),
            line("sector", sector),
            *level,
        ]
    else:
        lines += [line("facility_name"), line("directorate"), line("sector"), *level]
    lines += [line("round", round_, ltr=True), line("date"), line("collector"), line("signature")]
    payload = qr_payload(form.form_id, form.version, facility.code if facility else "", round_)
    qr = segno.make(payload, error="m").png_data_uri(scale=6, border=4)
    return Header(lines=lines, qr=qr, payload=payload)


def _level(facility: Facility, languages: Sequence[str]) -> str:
    value = facility.facility_type.level_of_care
    if value not in LevelOfCare.values:
        return value
    labels = []
    for language in languages:
        with translation.override(language):
            labels.append(str(LevelOfCare(value).label))
    return " / ".join(dict.fromkeys(labels))


def _names(unit: Facility | object, languages: Sequence[str]) -> str:
    values = [getattr(unit, f"name_{language}", "") or getattr(unit, "name_ar", "") for language in languages]
    return " / ".join(dict.fromkeys(v for v in values if v))


def css_string(text: str) -> str:
    """A CSS string literal (for `content:`): quotes, backslashes and line breaks escaped the CSS way."""
    escaped = "".join(f"\\{ord(char):x} " if char in '"\\\n\r' else char for char in text)
    return f'"{escaped}"'


def page_counter_css(language: str, total: int | None) -> str:
    """CSS `content` for "Page X of Y" in one language, built from the whole sentence (never from fragments): from
    the page counters, or "page 1 of `total`" for a cover page printed on its own."""
    if total is not None:
        return css_string(phrase("page", language, page="1", pages=str(total)))
    sentence = phrase("page", language, page="\0page\0", pages="\0pages\0")
    parts = []
    for index, piece in enumerate(sentence.split("\0")):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def html_for(form: PrintedForm, facility: Facility | None = None, round_: str = "", *, total: int | None = None) -> str:
    """The first page of a form (the header of `facility`, or blank) when the form's `total` page count is given;
    else the questions, on pages 2 to the end (page 1 is left empty, for the first page)."""
    primary = form.languages[0]
    languages = form.languages
    cover = total is not None
    code = facility.code if facility else ""
    context = {
        "form": form,
        "cover": cover,
        "header": header(form, facility, round_) if cover else None,
        "lang": primary,
        "dir": "rtl" if primary in RTL_LANGUAGES else "ltr",
        # dict.fromkeys: a bilingual form whose two wordings are the same (a missing translation) prints one.
        "page_counter": f" {css_string('  ·  ')} ".join(
            dict.fromkeys(page_counter_css(language, total) for language in languages)
        ),
        "running_title": css_string(" · ".join(filter(None, (form.form_id, form.version, code if cover else "")))),
        # Pages that come loose can be put back with the facility code written on each of them.
        "code_blank": css_string(
            " / ".join(dict.fromkeys(phrase("facility_code", language) for language in languages)) + ": ………………"
        ),
        "blank": phrases("blank", languages) if cover and facility is None else [],
        "tick_one": phrases("tick_one", languages),
        "tick_any": phrases("tick_any", languages),
        "how_to_skip": phrases("how_to_skip", languages),
        "repeat": phrases("repeat", languages),
        "version_label": phrases("version", languages),
    }
    return render_to_string("questionnaires/paper/form.html", context)


def paper_pdf(
    version: QuestionnaireVersion, language: str, facilities: Sequence[Facility | None] = (None,), round_: str = ""
) -> bytes:
    """One PDF with one form per facility, or a blank form for `None` (see `write_paper_pdf`)."""
    out = io.BytesIO()
    write_paper_pdf(version, language, facilities, out, round_)
    return out.getvalue()


# First pages are laid out one by one but written in groups: each PDF written subsets the fonts again (about a second
# a font with fontTools), so a group shares that cost, while memory holds only a group's pages.
COVERS_PER_WRITE = 50


def write_paper_pdf(
    version: QuestionnaireVersion,
    language: str,
    facilities: Iterable[Facility | None],
    out: BinaryIO,
    round_: str = "",
) -> int:
    """Write one PDF with one form per facility (a blank form for `None`, or if there is none) to `out`; return the
    number of forms.

    Each form is its own first page (header and QR code) followed by the questions, numbered "page X of Y" on its
    own. The questions are laid out and written once per kind of facility (`_Bodies`); first pages are written in
    groups of `COVERS_PER_WRITE`; pypdf merges them, referring to the questions' page contents instead of copying
    them, so only small page objects accumulate over a batch.
    """
    # Imported here: WeasyPrint is slow to import, and only printing needs it.
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    bodies = _Bodies(version, print_languages(language), fonts)
    writer = PdfWriter()
    count = 0
    groups = _groups(facilities, COVERS_PER_WRITE)
    first_group = next(groups, [None])  # no facility at all: a blank form
    for group in itertools.chain([first_group], groups):
        kinds = [bodies.get(facility) for facility in group]
        covers = [
            HTML(string=html_for(form, facility, round_, total=total)).render(font_config=fonts)
            for facility, (form, total, _questions) in zip(group, kinds, strict=True)
        ]
        # Pages of separate layouts can be written together when they share the font configuration.
        written = covers[0].copy([cover.pages[0] for cover in covers]).write_pdf()
        del covers
        first_pages = PdfReader(io.BytesIO(written))
        for first, (_form, _total, questions) in zip(first_pages.pages, kinds, strict=True):
            writer.add_page(first)
            for page in questions.pages:
                writer.add_page(page)
        count += len(group)
    writer.write(out)
    return count


def _groups(items: Iterable[Facility | None], size: int) -> Iterator[list[Facility | None]]:
    group: list[Facility | None] = []
    for item in items:
        group.append(item)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group


class _Bodies:
    """The questions' pages, laid out and written once for each set of facility-list decisions (a primary health
    care centre's form leaves out hospital services; all primary centres share one body)."""

    def __init__(self, version: QuestionnaireVersion, languages: list[str], fonts: object) -> None:
        self.version = version
        self.languages = languages
        self.fonts = fonts
        self.plan: Plan = plan(version)
        self.cache: dict[tuple[object, ...], tuple[PrintedForm, int, PdfReader]] = {}

    def get(self, facility: Facility | None) -> tuple[PrintedForm, int, PdfReader]:
        from pypdf import PdfReader
        from weasyprint import HTML

        facts = facts_of(facility) if facility is not None else None
        decisions = decisions_for(self.plan, facts)
        # The note on left-out services names the level of care, so it is part of the key when something is left out.
        level = facts.get("level_of_care") if facts and not all(decisions.values()) else None
        key = (tuple(sorted(decisions.items())), level)
        if key not in self.cache:
            form = build(self.version, self.languages, facts, self.plan)
            document = HTML(string=html_for(form)).render(font_config=self.fonts)
            # Page 1 of the layout is left empty for the first page, printed per facility.
            pdf = document.copy(document.pages[1:]).write_pdf()
            self.cache[key] = (form, len(document.pages), PdfReader(io.BytesIO(pdf)))
        return self.cache[key]
