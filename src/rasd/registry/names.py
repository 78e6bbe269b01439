"""Normalising facility names so that spelling variants compare equal.

Arabic and Kurdish names of one facility are written many ways: hamza and alef forms (أ إ آ ا), ta marbuta or
ha (ة/ه), alef maqsura or ya (ى/ي), Kurdish letters (ک ی ە ۆ ڕ ڵ …), diacritics, tatweel, zero-width
joiners, Arabic-Indic digits. `normalise` folds all of them, in Arabic script and in Latin script, so search and
duplicate detection see one spelling.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# One folded form for each group of letters that people use interchangeably.
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ة": "ه",
        "ە": "ه",
        "ھ": "ه",
        "ۀ": "ه",
        "ى": "ي",
        "ی": "ي",
        "ێ": "ي",
        "ې": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ۆ": "و",
        "ۇ": "و",
        "ۊ": "و",
        "ک": "ك",
        "گ": "ك",
        "ڪ": "ك",
        "ڕ": "ر",
        "ڵ": "ل",
        "ڤ": "ف",
        "پ": "ب",
        "چ": "ج",
        "ژ": "ز",
        "ء": None,
        "ـ": None,  # hamza alone, tatweel
        "\u200c": None,
        "\u200d": None,
        "\u200e": None,
        "\u200f": None,
        "\u061c": None,
        "\ufeff": None,
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},  # Extended (Persian/Kurdish) digits
    }
)
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_ARABIC = re.compile("[\u0600-\u06ff]")
_LATIN = re.compile("[A-Za-z]")


def normalise(text: str) -> str:
    """Lower-case, folded, punctuation-free text with single spaces."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).translate(_LETTERS)
    folded = _DIACRITICS.sub("", folded).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).replace("_", " ").split())


def search_terms(query: str) -> list[str]:
    """A user's search, split into normalised words; every word must match."""
    return normalise(query).split()


def mixes_scripts(text: str) -> bool:
    """True when one name mixes Arabic and Latin letters (usually two names pasted into one cell)."""
    return bool(_ARABIC.search(text)) and bool(_LATIN.search(text))


# Matching keys ----------------------------------------------------------------------------------------------
#
# Duplicate detection compares what identifies a facility, not how its kind is spelt: "مركز صحي الحسين",
# "مركز الرعاية الصحية الأولية في حي الحسين" and "Al-Hussain PHC" all reduce to the place name. Words that say
# only what kind of facility it is (centre, health, primary care, PHC) or where it is in general (village,
# neighbourhood, "in") are dropped. Words that tell two facilities apart are kept: hospital, branch, main,
# ordinals, numbers, "new".

_ABBREVIATION = re.compile(r"\b(?:[A-Za-z]\.){2,}")  # P.H.C. → PHC
_ACCENTED_LATIN = re.compile("[\u00c0-\u024f]")
_DOUBLED = re.compile(r"(.)\1+")
_FINAL_A = re.compile(r"(?<=.)[ae]h$")
# Latin transliterations of one Arabic or Kurdish word, folded in this order (each step sees the previous one).
_LATIN_FOLDS = (("ph", "f"), ("q", "k"), ("ck", "k"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("o", "u"), ("y", "i"))
_LATIN_VOWEL_PAIRS = (("ai", "e"), ("ei", "e"))

# Written as people write them; they are folded like any name before use.
_GENERIC_WORDS = """
    مركز مراكز صحي صحية صحة رعاية أولية عيادة قطاع حي قرية منطقة ناحية قضاء في رقم
    بنکە بنکەی ناوەند ناوەندی تەندروستی تەندروستیی چاودێری چاودێریی سەرەتایی کەرت کەرتی گوند گوندی گەڕەک گەڕەکی لە
    al el the of in for at no number centre center centres centers health healthcare care primary phc phcc hc
    clinic clinics medical sector village district area hay nahiya qadaa
"""


def is_arabic_script(word: str) -> bool:
    """True for a word in Arabic script (Arabic or Kurdish), as opposed to Latin letters or digits."""
    return bool(word) and "\u0600" <= word[0] <= "\u06ff"


def _fold_latin(word: str) -> str:
    """One spelling for the usual transliterations: Hussein, Hussain, Husayn → husen; -iya, -iyah, -ia → ia."""
    for variant, folded in _LATIN_FOLDS:
        word = word.replace(variant, folded)
    word = _DOUBLED.sub(r"\1", word)
    for variant, folded in _LATIN_VOWEL_PAIRS:
        word = word.replace(variant, folded)
    return _FINAL_A.sub("a", word)


@functools.lru_cache(maxsize=65536)  # names repeat their words: fold each word once
def _fold_word(word: str) -> str:
    if is_arabic_script(word):
        for article in ("ال", "لل"):  # the article, and "for the"; never leaving fewer than three letters
            if word.startswith(article) and len(word) >= len(article) + 3:
                return word[len(article) :]
        return word
    if word.isascii() and word.isalpha():
        return _fold_latin(word)
    return word


def _folded_words(text: str) -> list[str]:
    if not text:
        return []
    if "." in text:
        text = _ABBREVIATION.sub(lambda found: found.group().replace(".", ""), text)
    folded = normalise(text)
    if _ACCENTED_LATIN.search(folded):  # é → e
        folded = "".join(char for char in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(char))
    return [_fold_word(word) for word in folded.split()]


_GENERIC = frozenset(word for raw in _GENERIC_WORDS.split() for word in _folded_words(raw))


def match_words(text: str) -> list[str]:
    """The words of a name that identify the facility, folded (see above). When no word but numbers is left
    ("مركز صحي 3"), every word is kept, so that the name still has something to compare."""
    words = _folded_words(text)
    identifying = [word for word in words if word not in _GENERIC]
    return identifying if any(not word.isdigit() for word in identifying) else words


def match_keys(text: str) -> tuple[str, str]:
    """(Arabic-script key, Latin key) of a name: its identifying words of each script, with its numbers, sorted so
    that word order does not matter. A key is empty when the name has no word in that script."""
    words = match_words(text)
    numbers = [word for word in words if word.isdigit()]
    arabic = [word for word in words if is_arabic_script(word)]
    latin = [word for word in words if not word.isdigit() and not is_arabic_script(word)]
    return (
        " ".join(sorted(arabic + numbers)) if arabic else "",
        " ".join(sorted(latin + numbers)) if latin else "",
    )
