"""Printed forms as PDF (WeasyPrint): a header per facility with a QR code, then the numbered form.

The QR code holds a compact JSON object, documented in docs/paper-forms.md and read back by paper double entry:
`{"f": facility code, "q": form id, "v": version, "r": round}`; a blank form has no "f", and "r" is there only
when a round was given.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import segno
from django.template.loader import render_to_string

from rasd.questionnaires.models import QuestionnaireVersion
from rasd.questionnaires.paper.layout import PrintedForm, Text, build, phrases
from rasd.questionnaires.paper.phrases import PRINT_LANGUAGES, RTL_LANGUAGES, phrase
from rasd.registry.models import Facility

# WeasyPrint logs seven progress lines per document at INFO: noise in the logs of a batch of hundreds of forms.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

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
        ]
    else:
        lines += [line("facility_name"), line("directorate"), line("sector")]
    lines += [line("round", round_, ltr=True), line("date"), line("collector"), line("signature")]
    payload = qr_payload(form.form_id, form.version, facility.code if facility else "", round_)
    qr = segno.make(payload, error="m").png_data_uri(scale=6, border=4)
    return Header(lines=lines, qr=qr, payload=payload)


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
        "page_counter": f" {css_string('  ·  ')} ".join(page_counter_css(language, total) for language in languages),
        "running_title": css_string(" · ".join(filter(None, (form.form_id, form.version, code if cover else "")))),
        # Pages that come loose can be put back with the facility code written on each of them.
        "code_blank": css_string(" / ".join(phrase("facility_code", language) for language in languages) + ": ………………"),
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
    """One PDF with one form per facility, or a blank form for `None`. Each form is its own first page (header and
    QR code) followed by the questions, numbered "page X of Y" on its own.

    The questions are laid out once and their pages reused for every facility: a directorate of hundreds of
    facilities then costs one layout of the questions plus one small page per facility.
    """
    # Imported here: WeasyPrint is slow to import, and only printing needs it.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    form = build(version, print_languages(language))
    fonts = FontConfiguration()
    questions = HTML(string=html_for(form)).render(font_config=fonts)
    total = len(questions.pages)
    pages = []
    for facility in facilities or [None]:
        first = HTML(string=html_for(form, facility, round_, total=total)).render(font_config=fonts)
        pages += [first.pages[0], *questions.pages[1:]]
    pdf: bytes = questions.copy(pages).write_pdf()
    return pdf
