"""The fixed wording of a printed form, in the three languages a form can be printed in.

A paper form is printed in the questionnaire's language(s), whatever the language of the person who downloads it,
and must be complete in each of them; so this wording lives here beside the form's own trilingual labels rather than
in the interface's message catalogues. Placeholders are filled with `str.format`.
"""

from __future__ import annotations

PRINT_LANGUAGES = ("ar", "ckb", "en")
RTL_LANGUAGES = frozenset({"ar", "ckb"})

PHRASES: dict[str, dict[str, str]] = {
    "answer_only_if": {
        "ar": "أجب عن {q} فقط إذا {cond}.",
        "ckb": "تەنها وەڵامی {q} بدەرەوە ئەگەر {cond}.",
        "en": "Answer {q} only if {cond}.",
    },
    "section_only_if": {
        "ar": "أجب عن القسم {q} فقط إذا {cond}.",
        "ckb": "تەنها وەڵامی بەشی {q} بدەرەوە ئەگەر {cond}.",
        "en": "Answer section {q} only if {cond}.",
    },
    "unparsed": {
        "ar": "تحقق شرط الاستمارة المكتوب أدناه",
        "ckb": "ئەو مەرجەی فۆرمەکە کە لە خوارەوە نووسراوە جێبەجێ بێت",
        "en": "the form's condition written below holds",
    },
    "is": {
        "ar": "كانت الإجابة على {q} {values}",
        "ckb": "وەڵامی {q} {values} بێت",
        "en": "the answer to {q} is {values}",
    },
    "is_not": {
        "ar": "لم تكن الإجابة على {q} {values}",
        "ckb": "وەڵامی {q} {values} نەبێت",
        "en": "the answer to {q} is not {values}",
    },
    "ticked": {
        "ar": "تم اختيار {value} في {q}",
        "ckb": "{value} لە {q} هەڵبژێردرابێت",
        "en": "{value} is ticked in {q}",
    },
    "not_ticked": {
        "ar": "لم يتم اختيار {value} في {q}",
        "ckb": "{value} لە {q} هەڵنەبژێردرابێت",
        "en": "{value} is not ticked in {q}",
    },
    "answered": {"ar": "تمت الإجابة على {q}", "ckb": "وەڵامی {q} درابێتەوە", "en": "{q} is answered"},
    "not_answered": {"ar": "لم تتم الإجابة على {q}", "ckb": "وەڵامی {q} نەدرابێتەوە", "en": "{q} is not answered"},
    ">": {"ar": "كانت الإجابة على {q} أكبر من {n}", "ckb": "وەڵامی {q} لە {n} زیاتر بێت", "en": "{q} is more than {n}"},
    ">=": {
        "ar": "كانت الإجابة على {q} {n} أو أكثر",
        "ckb": "وەڵامی {q} {n} یان زیاتر بێت",
        "en": "{q} is {n} or more",
    },
    "<": {"ar": "كانت الإجابة على {q} أقل من {n}", "ckb": "وەڵامی {q} لە {n} کەمتر بێت", "en": "{q} is less than {n}"},
    "<=": {
        "ar": "كانت الإجابة على {q} {n} أو أقل",
        "ckb": "وەڵامی {q} {n} یان کەمتر بێت",
        "en": "{q} is {n} or less",
    },
    "not": {"ar": "لم يكن صحيحاً أن {cond}", "ckb": "ئەمە ڕاست نەبێت: {cond}", "en": "it is not the case that {cond}"},
    "and": {"ar": " و", "ckb": " و ", "en": " and "},
    "or": {"ar": " أو ", "ckb": " یان ", "en": " or "},
    "quote": {"ar": "«{}»", "ckb": "«{}»", "en": "“{}”"},
    "section": {"ar": "القسم {n}", "ckb": "بەشی {n}", "en": "Section {n}"},
    "form": {"ar": "الاستمارة", "ckb": "فۆرم", "en": "Form"},
    "version": {"ar": "الإصدار", "ckb": "وەشان", "en": "Version"},
    "facility_code": {"ar": "رمز المؤسسة الصحية", "ckb": "کۆدی دامەزراوەی تەندروستی", "en": "Facility code"},
    "facility_name": {"ar": "اسم المؤسسة الصحية", "ckb": "ناوی دامەزراوەی تەندروستی", "en": "Facility name"},
    "directorate": {"ar": "دائرة الصحة", "ckb": "بەڕێوەبەرایەتی تەندروستی", "en": "Directorate of health"},
    "sector": {"ar": "القطاع", "ckb": "کەرت", "en": "Sector"},
    "round": {"ar": "الجولة", "ckb": "خول", "en": "Round"},
    "collector": {"ar": "اسم جامع البيانات", "ckb": "ناوی کۆکەرەوەی زانیاری", "en": "Data collector"},
    "date": {"ar": "تاريخ الزيارة", "ckb": "بەرواری سەردان", "en": "Date of visit"},
    "signature": {"ar": "التوقيع", "ckb": "واژۆ", "en": "Signature"},
    "tick_one": {"ar": "ضع علامة في مربع واحد", "ckb": "تەنها یەک خانە دیاری بکە", "en": "Tick one box"},
    "tick_any": {
        "ar": "ضع علامة في كل ما ينطبق",
        "ckb": "هەموو ئەوانەی گونجاون دیاری بکە",
        "en": "Tick all that apply",
    },
    "how_to_skip": {
        "ar": "إذا كانت فوق السؤال أو القسم تعليمات «أجب عن … فقط إذا …»، فأجب عنه فقط عندما تتحقق، وإلا فاتركه فارغاً.",
        "ckb": "ئەگەر لە سەرەوەی پرسیار یان بەشێک ڕێنمایی «تەنها … ئەگەر …» هەبوو، تەنها کاتێک وەڵامی بدەرەوە کە "
        "جێبەجێ بێت، ئەگەرنا بە بەتاڵی جێی بهێڵە.",
        "en": "When a question or section has an instruction “Answer … only if …” above it, answer it only when the "
        "instruction holds; otherwise leave it empty.",
    },
    "repeat": {
        "ar": "كرر هذا الجزء حسب الحاجة",
        "ckb": "ئەم بەشە بە پێی پێویست دووبارە بکەرەوە",
        "en": "Repeat this part as needed",
    },
    "required": {"ar": "إجباري", "ckb": "پێویستە", "en": "required"},
    "page": {"ar": "صفحة {page} من {pages}", "ckb": "پەڕەی {page} لە {pages}", "en": "Page {page} of {pages}"},
    "blank": {"ar": "استمارة فارغة", "ckb": "فۆرمی بەتاڵ", "en": "Blank form"},
}


def phrase(key: str, language: str, **values: str) -> str:
    template = PHRASES[key].get(language) or PHRASES[key]["en"]
    return template.format(**values) if values else template
