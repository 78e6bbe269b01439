"""What the facility list says about a facility, as the form's calculations read it from the `facilities.csv`
attachment (`instance('facilities')/root/item[name=${facility}]/level_of_care`).

These calculations are known before the visit. A blank form words conditions on them ("answer only if the
facility's level of care is not “Primary”"); a form pre-filled for a facility evaluates them and leaves out what does
not apply to it (the hospital services at a primary health care centre).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from defusedxml import ElementTree

from rasd.questionnaires.models import QuestionnaireVersion
from rasd.questionnaires.paper.relevance import Compare, Condition, Junction, Not, Unparsed, ref_name
from rasd.registry.models import Facility

XFORMS = "{http://www.w3.org/2002/xforms}"
# The columns of facilities.csv whose value the registry knows for each facility.
COLUMNS = ("level_of_care", "type", "status")
FROM_FACILITY_LIST = re.compile(
    r"^\s*instance\(\s*['\"]facilities['\"]\s*\)\s*/root/item\[[^\]]*\]\s*/\s*(?P<column>[\w-]+)\s*$"
)


def facility_columns(version: QuestionnaireVersion) -> dict[str, str]:
    """The facilities.csv column read by each calculation that reads one of `COLUMNS`, by XForm path and by name
    (relevance refers to either). The catalogue does not keep calculations, so they are read from the XForm."""
    try:
        root = ElementTree.fromstring(version.xform.encode())
    except ElementTree.ParseError:
        return {}
    found: dict[str, str] = {}
    for bind in root.iter(f"{XFORMS}bind"):
        match = FROM_FACILITY_LIST.match(bind.get("calculate", ""))
        if match and match["column"] in COLUMNS and bind.get("nodeset"):
            path = bind.get("nodeset", "").strip()
            found[path] = match["column"]
            found.setdefault(path.rsplit("/", 1)[-1], match["column"])
    return found


def facts_of(facility: Facility) -> dict[str, str]:
    """A facility's values for `COLUMNS`, as facilities.csv gives them (type by its code)."""
    return {
        "level_of_care": facility.facility_type.level_of_care,
        "type": facility.facility_type.code,
        "status": facility.status,
    }


def column_of(ref: str, columns: Mapping[str, str]) -> str | None:
    return columns.get(ref.strip()) if ref.startswith("/") else columns.get(ref_name(ref))


def evaluate(condition: Condition, columns: Mapping[str, str], facts: Mapping[str, str]) -> bool | None:
    """Whether a condition holds for a facility, when it reads only facility-list columns with `=` and `!=`;
    None when it depends on anything else (an answer, a count), which only the collector can tell."""
    if isinstance(condition, Junction):
        results = [evaluate(item, columns, facts) for item in condition.items]
        if any(result is None for result in results):
            return None
        return all(results) if condition.op == "and" else any(results)
    if isinstance(condition, Not):
        inner = evaluate(condition.item, columns, facts)
        return None if inner is None else not inner
    if not isinstance(condition, Compare) or condition.op not in ("=", "!=") or condition.numeric:
        return None
    column = column_of(condition.ref, columns)
    if column is None or column not in facts:
        return None
    return (facts[column] == condition.value) == (condition.op == "=")


def columns_read(condition: Condition, columns: Mapping[str, str]) -> set[str]:
    """The facility-list columns a condition reads."""
    if isinstance(condition, Junction):
        return set().union(*(columns_read(item, columns) for item in condition.items))
    if isinstance(condition, Not):
        return columns_read(condition.item, columns)
    column = column_of(condition.ref, columns)
    return {column} if column else set()


def decide(
    relevances: Mapping[str, Condition], columns: Mapping[str, str], facts: Mapping[str, str] | None
) -> dict[str, bool]:
    """For a facility: whether each field whose relevance reads only facility-list columns applies, by path."""
    if not facts:
        return {}
    decisions = {}
    for path, condition in relevances.items():
        try:
            result = evaluate(condition, columns, facts)
        except Unparsed:
            result = None
        if result is not None:
            decisions[path] = result
    return decisions
