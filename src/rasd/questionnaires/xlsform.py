"""Reading an XLSForm: pyxform converts it, ODK Validate checks the XForm, and the field catalogue is built.

Nothing here touches the database. Every problem becomes a readable line in `XLSFormError.problems`; pyxform's
own messages already name the sheet and row when it knows them, and are kept as they are.
The workbook is read by openpyxl, which parses its XML with defusedxml (installed); the XForm is parsed with entity
resolution and network access turned off.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.validators import slug_re
from django.utils.translation import gettext as _
from lxml import etree
from pyxform.errors import PyXFormError
from pyxform.validators.odk_validate import ODKValidateError, check_xform
from pyxform.xls2xform import convert

from rasd.questionnaires.semantic_roles import missing_required_roles, role_problem

XFORMS_NS = "http://www.w3.org/2002/xforms"
LANGUAGE_CODE = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\)\s*$")
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
    "simserial",
    "subscriberid",
}
# pyxform's internal names for the types whose XLSForm spelling differs.
XLSFORM_TYPE = {
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "select one external": "select_one_external",
}
# Lines of ODK Validate's output that say nothing to a form author.
VALIDATE_NOISE = re.compile(
    r"^(ODK Validate Errors:|>> Something broke the parser\.|Caused by: |\.\.\. \d+ more|"
    r"The following files failed validation:|\$\{tmp.*\}\.xml$|Result: Invalid)"
)


class XLSFormError(Exception):
    """The XLSForm cannot be used; `problems` says why, one readable line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ParsedField:
    position: int
    path: str
    name: str
    kind: str
    type: str
    list_name: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    choices: list[dict[str, Any]] = field(default_factory=list)
    relevance: str = ""
    required: bool = False
    constraint: str = ""
    constraint_messages: dict[str, str] = field(default_factory=dict)
    role: str = ""
    parent_path: str = ""
    appearance: str = ""


@dataclass
class ParsedForm:
    form_id: str
    title: str
    version: str
    xform: str
    md5: str
    languages: list[str]
    default_language: str
    warnings: list[str]
    fields: list[ParsedField]


def language_code(language: str) -> str:
    """`Arabic (ar)` → `ar`; a language without a code in parentheses keeps its whole name."""
    match = LANGUAGE_CODE.search(language)
    return match.group(1) if match else language.strip()


def _texts(value: Any) -> dict[str, str]:
    """A label, hint or message from pyxform's JSON, keyed by language code."""
    if isinstance(value, dict):
        return {language_code(language): str(text) for language, text in value.items() if text}
    return {"default": str(value)} if value else {}


def parse_xlsform(content: bytes) -> ParsedForm:
    """Convert, validate and catalogue one XLSForm, or raise XLSFormError."""
    warnings: list[str] = []
    try:
        result = convert(content, warnings=warnings, validate=False)
    except PyXFormError as exc:
        raise XLSFormError([str(exc).strip()]) from exc
    except Exception as exc:  # pyxform raises bare errors for unreadable files
        raise XLSFormError([_("The file is not a readable XLSForm (.xlsx): %(error)s") % {"error": exc}]) from exc
    xform: str = result.xform
    if settings.QUESTIONNAIRE_ODK_VALIDATE:
        warnings += odk_validate(xform)
    survey: dict[str, Any] = result._pyxform
    problems: list[str] = []
    form_id = str(survey.get("id_string") or "")
    version = str(survey.get("version") or "")
    if not slug_re.match(form_id):
        problems.append(
            _("settings sheet: form_id “%(form_id)s” must be letters, digits, - or _.") % {"form_id": form_id}
        )
    if not version:
        problems.append(_("settings sheet: the version column is missing or empty."))
    fields = catalogue(survey, _binds(xform))
    problems += _role_problems(fields)
    if problems:
        raise XLSFormError(problems)
    languages = _languages(xform)
    for role in missing_required_roles(f.role for f in fields if f.role):
        warnings.append(_("No field has the required role “%(role)s”.") % {"role": role})
    default_language = survey.get("default_language") or ""
    return ParsedForm(
        form_id=form_id,
        title=str(survey.get("title") or form_id),
        version=version,
        xform=xform,
        md5=hashlib.md5(xform.encode("utf-8")).hexdigest(),  # noqa: S324 - OpenRosa form hash, not security
        languages=languages or (["default"] if any(f.labels for f in fields) else []),
        default_language=language_code(default_language) if default_language != "default" else "",
        warnings=[str(warning) for warning in warnings],
        fields=fields,
    )


def odk_validate(xform: str) -> list[str]:
    """Run ODK Validate (Java) on the XForm: its warnings, or XLSFormError with the lines that explain the error."""
    handle, path = tempfile.mkstemp(suffix=".xml")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(xform.encode("utf-8"))
        return [str(warning) for warning in check_xform(path)]
    except ODKValidateError as exc:
        lines: list[str] = []
        for line in str(exc).splitlines():
            line = line.strip()
            if line and not VALIDATE_NOISE.match(line) and f"ODK Validate: {line}" not in lines:
                lines.append(f"ODK Validate: {line}")
        raise XLSFormError(lines or [str(exc)]) from exc
    except OSError as exc:  # Java missing or not runnable
        raise XLSFormError([_("ODK Validate could not run (is Java installed?): %(error)s") % {"error": exc}]) from exc
    finally:
        Path(path).unlink()


def _parse_xml(xform: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(xform.encode("utf-8"), parser=parser)


def _binds(xform: str) -> dict[str, dict[str, str]]:
    """The XForm's bind attributes by nodeset, namespaces dropped (`jr:constraintMsg` → `constraintMsg`)."""
    binds: dict[str, dict[str, str]] = {}
    for bind in _parse_xml(xform).iter(f"{{{XFORMS_NS}}}bind"):
        attributes = {etree.QName(name).localname: str(value) for name, value in bind.attrib.items()}
        binds[attributes.get("nodeset", "")] = attributes
    return binds


def _languages(xform: str) -> list[str]:
    codes: list[str] = []
    for translation in _parse_xml(xform).iter(f"{{{XFORMS_NS}}}translation"):
        code = language_code(str(translation.get("lang", "")))
        if code not in codes:
            codes.append(code)
    return codes


def catalogue(survey: dict[str, Any], binds: dict[str, dict[str, str]]) -> list[ParsedField]:
    """Every element of the form in document order, from pyxform's JSON and the XForm's binds."""
    fields: list[ParsedField] = []

    def walk(children: list[dict[str, Any]], parent_path: str, in_meta: bool) -> None:
        for child in children:
            name = str(child["name"])
            path = f"{parent_path}/{name}"
            json_type = str(child.get("type", ""))
            is_meta = in_meta or json_type in METADATA_TYPES or (parent_path.count("/") == 1 and name == "meta")
            bind = binds.get(path, {})
            parsed = ParsedField(
                position=len(fields),
                path=path,
                name=name,
                kind=_kind(json_type, is_meta),
                type=XLSFORM_TYPE.get(json_type, json_type),
                list_name=str(child.get("list_name") or child.get("itemset") or ""),
                labels=_texts(child.get("label")),
                hints=_texts(child.get("hint")),
                choices=[{"name": str(c["name"]), "labels": _texts(c.get("label"))} for c in child.get("choices", [])],
                relevance=bind.get("relevant", "").strip(),
                required=bind.get("required", "") == "true()",
                constraint=bind.get("constraint", "").strip(),
                constraint_messages=_texts(child.get("bind", {}).get("jr:constraintMsg")),
                role=str(child.get("rasd", {}).get("role") or "").strip(),
                parent_path=parent_path if parent_path.count("/") > 1 else "",
                appearance=str(child.get("control", {}).get("appearance") or ""),
            )
            fields.append(parsed)
            if "children" in child:
                walk(child["children"], path, is_meta)

    walk(survey.get("children", []), f"/{survey.get('name', 'data')}", False)
    return fields


def _kind(json_type: str, is_meta: bool) -> str:
    if is_meta:
        return "meta"
    if json_type in {"group", "repeat", "note", "calculate"}:
        return json_type
    return "question"


def _role_problems(fields: list[ParsedField]) -> list[str]:
    problems: list[str] = []
    seen: dict[str, str] = {}
    for parsed in fields:
        if not parsed.role:
            continue
        problem = role_problem(parsed.role)
        if problem:
            problems.append(
                _("survey sheet, field “%(name)s”: %(problem)s") % {"name": parsed.name, "problem": problem}
            )
        elif parsed.role in seen:
            problems.append(
                _("survey sheet, field “%(name)s”: role “%(role)s” is already given to “%(other)s”")
                % {"name": parsed.name, "role": parsed.role, "other": seen[parsed.role]}
            )
        seen.setdefault(parsed.role, parsed.name)
    return problems
