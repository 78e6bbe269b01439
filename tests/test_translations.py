"""The Arabic and Kurdish catalogues keep up with the source: every string is there, translated, with its placeholders.

The strings are extracted afresh from a temporary copy of the package with Django's makemessages (the same options
as `make messages`), so the committed catalogues under src/rasd/locale are only read, never rewritten.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "src" / "rasd"
LOCALE_DIR = PACKAGE_DIR / "locale"
TRANSLATED_LANGUAGES = ("ar", "ckb")
PLURAL_FORMS = {
    "ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;",
    "ckb": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
}
# The extraction options of `make messages` (see the Makefile); only the locale differs, since the template
# (.pot) that makemessages keeps is the same for every language.
MAKEMESSAGES_OPTIONS = ["--no-obsolete", "--no-location", "--ignore", "static/*"]
HOW_TO_FIX = "Run `make messages`, then translate the new entries in src/rasd/locale/{ar,ckb}/LC_MESSAGES/django.po."

PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACE_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_.]*(?:![rsa])?(?::[^{}]*)?\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def __str__(self) -> str:
        plural = f" / plural {self.msgid_plural!r}" if self.msgid_plural is not None else ""
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"{self.msgid!r}{plural}{context}"


def read_catalogue(path: Path) -> tuple[Entry, dict[tuple[str | None, str], Entry]]:
    """The header entry and the messages of a .po/.pot file (obsolete `#~` entries are left out)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if started and target is not None and target[0] == "msgstr":
                finish()  # a comment after msgstr starts the next entry
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            keyword, rest = "", line
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()  # entries not separated by a blank line
        try:
            text = ast.literal_eval(rest) if rest.startswith('"') else None
        except (SyntaxError, ValueError):
            text = None
        if not isinstance(text, str):
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
        started = True
        if keyword == "msgctxt":
            entry.msgctxt, target = text, ("msgctxt", 0)
        elif keyword == "msgid":
            entry.msgid, target = text, ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = text, ("msgid_plural", 0)
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstrs.extend([""] * (index + 1 - len(entry.msgstrs)))
            entry.msgstrs[index], target = text, ("msgstr", index)
        elif keyword == "" and target is not None:
            kind, index = target
            if kind == "msgstr":
                entry.msgstrs[index] += text
            else:
                setattr(entry, kind, (getattr(entry, kind) or "") + text)
        else:
            raise AssertionError(f"{path}:{number}: unexpected {raw!r}")
    finish()

    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, f"{path} should have exactly one header entry"
    return headers[0], {e.key: e for e in entries if e is not headers[0]}


def header_fields(header: Entry) -> dict[str, str]:
    lines = header.msgstrs[0].splitlines() if header.msgstrs else []
    return {name.strip(): value.strip() for name, _, value in (line.partition(":") for line in lines)}


def placeholders(entry: Entry, text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    if "python-format" in entry.flags:
        found.update(match for match in PERCENT_PLACEHOLDER.findall(text) if match != "%%")
    found.update(BRACE_PLACEHOLDER.findall(text))
    return found


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def listing(entries: list[Entry] | list[str]) -> str:
    return "\n".join(f"  - {entry}" for entry in entries)


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str | None, str], Entry]:
    """Every translatable string in the source, extracted from a throwaway copy of the package."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is not installed (apt-get install gettext; see scripts/system-packages.sh)")
    root = tmp_path_factory.mktemp("makemessages")
    copy = root / "src" / "rasd"
    # Without the committed catalogues, makemessages writes a fresh template instead of merging into them.
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.mo"))
    # PYTHONPATH makes `rasd` (and so settings.LOCALE_PATHS) the copy; -P keeps the working directory off sys.path.
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "RASD_DATA_DIR": str(root / "var")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-P", "-m", "rasd", "makemessages", "--locale", "en", "--keep-pot"]
    result = subprocess.run(
        [*command, *MAKEMESSAGES_OPTIONS], cwd=copy, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    template = copy / "locale" / "django.pot"
    assert template.exists(), f"makemessages wrote no template into the copy:\n{result.stdout}\n{result.stderr}"
    _, messages = read_catalogue(template)
    assert messages, "makemessages found no translatable strings at all"
    return messages


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_source_string_is_in_the_arabic_and_kurdish_catalogues(
    language: str, source_messages: dict[tuple[str | None, str], Entry]
) -> None:
    _, catalogue = read_catalogue(catalogue_path(language))
    missing = [entry for key, entry in source_messages.items() if key not in catalogue]
    if missing:
        pytest.fail(
            f"{len(missing)} string(s) from the source are missing from the {language} catalogue. {HOW_TO_FIX}\n"
            + listing(missing),
            pytrace=False,
        )


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_string_has_an_arabic_and_kurdish_translation(
    language: str, source_messages: dict[tuple[str | None, str], Entry]
) -> None:
    header, catalogue = read_catalogue(catalogue_path(language))
    nplurals = int(PLURAL_FORMS[language].split(";")[0].removeprefix("nplurals="))
    untranslated, fuzzy = [], []
    for key in source_messages:
        entry = catalogue.get(key)
        if entry is None:
            continue  # reported by the test above
        expected_forms = nplurals if entry.msgid_plural is not None else 1
        if len(entry.msgstrs) != expected_forms or not all(text.strip() for text in entry.msgstrs):
            untranslated.append(entry)
        if "fuzzy" in entry.flags:
            fuzzy.append(entry)
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated (or with a plural form missing):\n{listing(untranslated)}")
    if fuzzy:
        problems.append(f"{len(fuzzy)} marked fuzzy (check the translation, then remove the flag):\n{listing(fuzzy)}")
    if "fuzzy" in header.flags:
        problems.append("the header entry is marked fuzzy")
    if problems:
        pytest.fail(f"The {language} catalogue is incomplete: " + "\n".join(problems), pytrace=False)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_translations_keep_the_placeholders_of_the_source(language: str) -> None:
    _, catalogue = read_catalogue(catalogue_path(language))
    wrong = []
    for entry in catalogue.values():
        if not any(entry.msgstrs):
            continue
        if entry.msgid_plural is None:
            expected, found = placeholders(entry, entry.msgid), placeholders(entry, entry.msgstrs[0])
            if found != expected:
                wrong.append(f"{entry}: expected {sorted(expected)}, found {sorted(found)}")
            continue
        # A plural form used for a single number may spell the number out ("دقيقتين"), but may not invent
        # placeholders; the last form, used for most numbers, must keep every one.
        expected = placeholders(entry, entry.msgid) | placeholders(entry, entry.msgid_plural)
        for index, text in enumerate(entry.msgstrs):
            found = placeholders(entry, text)
            if (found - expected) or (index == len(entry.msgstrs) - 1 and set(found) != set(expected)):
                wrong.append(f"{entry} msgstr[{index}]: expected {sorted(expected)}, found {sorted(found)}")
    if wrong:
        pytest.fail(
            f"Placeholders differ between msgid and msgstr in the {language} catalogue:\n" + listing(wrong),
            pytrace=False,
        )


@pytest.mark.parametrize("language", [*TRANSLATED_LANGUAGES, "en"])
def test_catalogues_hold_no_strings_the_source_no_longer_uses(
    language: str, source_messages: dict[tuple[str | None, str], Entry]
) -> None:
    _, catalogue = read_catalogue(catalogue_path(language))
    stale = [entry for key, entry in catalogue.items() if key not in source_messages]
    if stale:
        pytest.fail(
            f"{len(stale)} string(s) in the {language} catalogue are no longer in the source; "
            f"`make messages` removes them:\n{listing(stale)}",
            pytrace=False,
        )


@pytest.mark.parametrize("language", [*TRANSLATED_LANGUAGES, "en"])
def test_catalogues_name_their_language_and_plural_rule_and_compile_cleanly(language: str) -> None:
    path = catalogue_path(language)
    header, _ = read_catalogue(path)
    fields = header_fields(header)
    assert fields.get("Language") == language
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"
    assert fields.get("Plural-Forms") == PLURAL_FORMS[language]
    placeholders_left = [name for name, value in fields.items() if re.search(r"FULL NAME|YEAR-MO-DA|PACKAGE", value)]
    assert not placeholders_left, f"header fields still hold the gettext template's defaults: {placeholders_left}"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check", "--output-file", os.devnull, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"msgfmt rejects {path.relative_to(PACKAGE_DIR)}:\n{result.stderr}"
