"""Normalising facility names so that spelling variants compare equal.

Arabic and Kurdish names of one facility are written many ways: hamza and alef forms (أ إ آ ا), ta marbuta or
ha (ة/ه), alef maqsura or ya (ى/ي), Kurdish letters (ک ی ە ۆ ڕ ڵ …), diacritics, tatweel, zero-width
joiners, Arabic-Indic digits. `normalise` folds all of them, in Arabic script and in Latin script, so search and
duplicate detection see one spelling.
"""

from __future__ import annotations

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
