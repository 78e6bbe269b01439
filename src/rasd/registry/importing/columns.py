"""The columns of a facility file: canonical names, labels in every language, HXL hashtags, and the header
spellings met in real files. Imports map a file's headers onto these; exports write them.

A header is recognised, after `names.normalise` (case, spaces, punctuation, hamza and other letter variants), when
it is a column's canonical name, its label in Arabic, Kurdish or English, or one of its other spellings. An HXL
hashtag row (under the header, or instead of it) is matched by hashtag and attributes in any order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasd.registry.models import ATTRIBUTE_FIELDS, Facility
from rasd.registry.names import normalise


@dataclass(frozen=True)
class Column:
    name: str
    label: Promise
    hxl: tuple[str, ...]  # the first is written on export; all are recognised on import
    headers: tuple[str, ...] = ()  # other spellings recognised on import, in any language


C = Column
# The canonical facility row, in order (shared with rasd.registry.demo and the export).
COLUMNS: tuple[Column, ...] = (
    C(
        "code",
        gettext_lazy("Facility code"),
        ("#loc+facility+code",),
        ("code", "facility id", "الرمز", "رمز المؤسسة", "الكود"),
    ),
    C(
        "name_ar",
        gettext_lazy("Name (Arabic)"),
        ("#loc+facility+name+i_ar",),
        ("arabic name", "اسم المؤسسة", "الاسم بالعربي", "الاسم العربي", "ناوی عەرەبی"),
    ),
    C(
        "name_en",
        gettext_lazy("Name (English)"),
        ("#loc+facility+name+i_en",),
        ("english name", "الاسم بالإنكليزي", "الاسم بالإنجليزي", "الاسم الإنكليزي", "ناوی ئینگلیزی"),
    ),
    C(
        "name_ckb",
        gettext_lazy("Name (Kurdish)"),
        ("#loc+facility+name+i_ckb", "#loc+facility+name+i_ku"),
        ("kurdish name", "name sorani", "الاسم بالكردي", "الاسم الكردي", "ناوی کوردی"),
    ),
    C("aliases", gettext_lazy("Other names"), ("#loc+facility+name+alt",), ("also known as", "أسماء أخرى", "ناوی تر")),
    C("facility_type", gettext_lazy("Facility type"), ("#loc+facility+type",), ("type", "النوع", "نوع المؤسسة", "جۆر")),
    C("ownership", gettext_lazy("Ownership"), ("#org+type",), ("owner", "الملكية", "العائدية", "خاوەندارێتی")),
    C(
        "managing_authority",
        gettext_lazy("Managing authority"),
        ("#org+authority+code",),
        ("authority", "الجهة المسؤولة", "الوزارة"),
    ),
    C(
        "directorate",
        gettext_lazy("Directorate of health"),
        ("#org+directorate+code",),
        ("directorate", "doh", "دائرة الصحة", "الدائرة", "المديرية", "بەڕێوەبەرایەتی"),
    ),
    C(
        "sector",
        gettext_lazy("Health sector"),
        ("#org+sector+code",),
        ("sector", "phc sector", "القطاع", "القطاع الصحي", "کەرت"),
    ),
    C("admin_area_pcode", gettext_lazy("Area p-code set by hand"), ("#adm3+code+manual",)),
    C("admin_area_override_reason", gettext_lazy("Why the area was set by hand"), ("#description+adm3+manual",)),
    C("latitude", gettext_lazy("Latitude"), ("#geo+lat",), ("lat", "y", "خط العرض", "دائرة العرض", "هێڵی پانی")),
    C("longitude", gettext_lazy("Longitude"), ("#geo+lon",), ("lon", "lng", "long", "x", "خط الطول", "هێڵی درێژی")),
    C("location_source", gettext_lazy("Location source"), ("#meta+geo+source",), ("مصدر الموقع",)),
    C(
        "location_precision_m",
        gettext_lazy("Location precision (m)"),
        ("#meta+geo+precision",),
        ("precision", "دقة الموقع"),
    ),
    C(
        "status",
        gettext_lazy("Operational status"),
        ("#status+operational",),
        ("status", "الحالة", "حالة المؤسسة", "دۆخ"),
    ),
    C(
        "opened_on",
        gettext_lazy("Opened on"),
        ("#date+opened", "#date+start"),
        ("opening date", "تاريخ الافتتاح", "تاريخ الفتح"),
    ),
    C(
        "closed_on",
        gettext_lazy("Closed on"),
        ("#date+closed", "#date+end"),
        ("closing date", "تاريخ الغلق", "تاريخ الإغلاق"),
    ),
    C("functional", gettext_lazy("Functional"), ("#status+functionality",), ("functioning", "فعالة", "تعمل")),
    C(
        "parent_code",
        gettext_lazy("Main centre code"),
        ("#loc+facility+code+main",),
        ("parent", "main centre", "المؤسسة الرئيسية", "المركز الرئيسي", "رمز المركز الرئيسي"),
    ),
    C("settlement", gettext_lazy("Urban or rural"), ("#loc+settlement",), ("settlement", "urban rural", "حضر ريف")),
    C(
        "catchment_population",
        gettext_lazy("Catchment population"),
        ("#population+catchment",),
        ("population", "عدد السكان", "السكان المخدومون"),
    ),
    C(
        "contact_name",
        gettext_lazy("Contact person"),
        ("#contact+name",),
        ("contact", "الشخص المسؤول", "مسؤول الاتصال"),
    ),
    C("phone", gettext_lazy("Phone"), ("#contact+phone",), ("telephone", "mobile", "الهاتف", "رقم الهاتف", "تەلەفۆن")),
    C("email", gettext_lazy("Email"), ("#contact+email",), ("e-mail", "البريد الإلكتروني", "ئیمەیڵ")),
    C("address", gettext_lazy("Address"), ("#contact+address",), ("العنوان", "ناونیشان")),
)

# One cell with the name in two scripts, "English / Arabic" or the other way round: split into name_en and name_ar.
BILINGUAL_NAME = C("name", gettext_lazy("Name"), ("#loc+facility+name",), ("facility name", "الاسم", "اسم"))

# Written by exports for the reader's convenience and ignored by imports.
CONVENIENCE: tuple[Column, ...] = (
    C("facility_type_name", gettext_lazy("Facility type name"), ("#loc+facility+type+name",)),
    C("level_of_care", gettext_lazy("Level of care"), ("#loc+facility+level",)),
    C("directorate_name", gettext_lazy("Directorate name"), ("#org+directorate+name",)),
    C("sector_name", gettext_lazy("Sector name"), ("#org+sector+name",)),
    C("governorate_pcode", gettext_lazy("Governorate p-code"), ("#adm1+code",)),
    C("governorate", gettext_lazy("Governorate"), ("#adm1+name",)),
    C("district_pcode", gettext_lazy("District p-code"), ("#adm2+code",)),
    C("district", gettext_lazy("District"), ("#adm2+name",)),
    C("subdistrict_pcode", gettext_lazy("Sub-district p-code"), ("#adm3+code",)),
    C("subdistrict", gettext_lazy("Sub-district"), ("#adm3+name",)),
)


def _attname(name: str) -> str:
    found = Facility._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found.attname


# Each facility attribute and the model attribute that holds its stored value (the id, for a related record).
STORED_AS = tuple((name, _attname(name)) for name in ATTRIBUTE_FIELDS)
CANONICAL = frozenset(column.name for column in COLUMNS)
IMPORTABLE = CANONICAL | {BILINGUAL_NAME.name}
IGNORED = frozenset(column.name for column in CONVENIENCE)


def hxl_key(tag: str) -> str:
    """A hashtag with its attributes in a fixed order: #loc+code+facility for '#LOC +facility+code'."""
    parts = [part.strip().lower() for part in tag.strip().split("+")]
    return "+".join([parts[0], *sorted(part for part in parts[1:] if part)])


def is_hxl_row(cells: Sequence[str]) -> bool:
    """True for a row of HXL hashtags: every filled cell starts with '#', and at least one is filled."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    return bool(filled) and all(cell.startswith("#") and len(cell) > 1 for cell in filled)


def label(column: Column, language: str) -> str:
    with translation.override(language):
        return str(column.label)


def _recognised() -> tuple[dict[str, str], dict[str, str]]:
    """(normalised header → column, HXL key → column) over every column, canonical names first."""
    headers: dict[str, str] = {}
    tags: dict[str, str] = {}
    every = (*COLUMNS, BILINGUAL_NAME, *CONVENIENCE)
    spellings = [(column.name, [column.name]) for column in every]
    spellings += [(column.name, [label(column, code) for code, _name in settings.LANGUAGES]) for column in every]
    spellings += [(column.name, list(column.headers)) for column in every]
    for name, texts in spellings:
        for text in texts:
            headers.setdefault(normalise(text), name)
    for column in every:
        for tag in column.hxl:
            tags.setdefault(hxl_key(tag), column.name)
    return headers, tags


@dataclass
class ColumnMap:
    """Which column of the file gives which canonical column."""

    positions: dict[str, int] = field(default_factory=dict)  # canonical name → index in the row
    headers: dict[str, str] = field(default_factory=dict)  # canonical name → the header the user sees
    warnings: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, message) about the header row

    def header(self, name: str) -> str:
        return self.headers.get(name, name)

    def has(self, name: str) -> bool:
        return name in self.positions


def map_columns(headers: Sequence[str], tags: Sequence[str], mapping: Mapping[str, str | None]) -> ColumnMap:
    """Map a file's columns: the mapping file first, then the HXL hashtag, then the header text."""
    by_header, by_tag = _recognised()
    overrides = {normalise(source): target for source, target in mapping.items()}
    result = ColumnMap()
    for index, header in enumerate(headers):
        tag = tags[index] if index < len(tags) else ""
        shown = header.strip() or tag.strip()
        if not shown:
            continue
        keys = [key for key in (normalise(header), normalise(tag)) if key in overrides]
        target = overrides[keys[0]] if keys else by_tag.get(hxl_key(tag)) or by_header.get(normalise(header))
        if target is None and not keys:
            result.warnings.append(_("Column “%(header)s” is not recognised and was ignored.") % {"header": shown})
        if target is None or target in IGNORED:
            continue
        if target in result.positions:
            message = _("Two columns give %(column)s: “%(first)s” and “%(second)s”.") % {
                "column": target,
                "first": result.headers[target],
                "second": shown,
            }
            result.problems.append((shown, message))
            continue
        result.positions[target] = index
        result.headers[target] = shown
    if "code" not in result.positions:
        result.problems.append(("code", _("The file has no column for the facility code.")))
    return result


class MappingError(ValueError):
    pass


def load_mapping(path: Path) -> dict[str, str | None]:
    """A mapping file: {"header in the file": "canonical column"}; null or "" ignores that column."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise MappingError(_("The mapping file cannot be read: %(error)s") % {"error": error}) from error
    return check_mapping(data)


def check_mapping(data: object) -> dict[str, str | None]:
    if not isinstance(data, dict):
        raise MappingError(_("The mapping file must be a JSON object of “file header”: “column name”."))
    mapping: dict[str, str | None] = {}
    for source, target in data.items():
        if target not in (None, "") and target not in IMPORTABLE:
            raise MappingError(
                _("The mapping file maps “%(source)s” to “%(target)s”, which is not a column name.")
                % {"source": source, "target": target}
            )
        mapping[str(source)] = str(target) if target else None
    return mapping
