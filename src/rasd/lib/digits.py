"""Numbers as people type them in Iraq: Arabic-Indic (٠-٩) and Extended Arabic-Indic (۰-۹, Kurdish and Persian
keyboards) digits, Arabic decimal and thousands separators, the minus sign, and invisible direction marks."""

from __future__ import annotations

_LATIN = str.maketrans(
    {
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": ",",  # Arabic thousands separator
        "\u2212": "-",  # minus sign
        "\u200f": None,  # right-to-left mark
        "\u200e": None,  # left-to-right mark
        "\u061c": None,  # Arabic letter mark
    }
)


def latin_digits(text: str) -> str:
    """`text` with 0-9, `.` and `,` in place of the Arabic-script digits and separators, direction marks removed."""
    return text.translate(_LATIN)
