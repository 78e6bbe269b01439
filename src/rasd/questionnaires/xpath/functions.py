"""XPath values and the ODK functions, registered with libxml2 as extension functions (see the package docstring)."""

from __future__ import annotations

import contextvars
import datetime
import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone
from lxml import etree

XFORMS = "http://www.w3.org/2002/xforms"
JR = "http://openrosa.org/javarosa"
PRIMARY = "rasd_primary"
CALL = re.compile(r"([A-Za-z_][\w.\-]*)\s*\(")
LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
INSTANCE_NAME = re.compile(r"instance\(\s*'([^']*)'\s*\)")

XPATH1_FUNCTIONS = frozenset(
    {
        "last", "position", "count", "id", "local-name", "namespace-uri", "name", "string", "concat",
        "starts-with", "contains", "substring-before", "substring-after", "substring", "string-length",
        "normalize-space", "translate", "boolean", "not", "true", "false", "lang", "number", "sum", "floor",
        "ceiling", "round",
    }
)  # fmt: skip
NODE_TESTS = frozenset({"node", "text", "comment", "processing-instruction"})
CONTROL_KINDS = frozenset({"input", "select1", "select", "upload", "range", "rank", "trigger", "odk:rank"})
DATE_TYPES = frozenset({"date", "dateTime"})
EPOCH = datetime.date(1970, 1, 1)


class XPathError(Exception):
    """An expression that cannot be compiled or evaluated."""


class UnsupportedFunction(XPathError):
    """The expression calls a function that is neither XPath 1.0 nor one of the ODK functions supported here."""


# --- values -----------------------------------------------------------------------------------------------------


def string_value(value: Any) -> str:
    """XPath string() of an extension-function argument."""
    if isinstance(value, list):
        if not value:
            return ""
        first = value[0]
        return text_of(first) if isinstance(first, etree._Element) else str(first)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def text_of(element: etree._Element) -> str:
    return "".join(str(text) for text in element.itertext())


def format_number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def number_value(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(string_value(value).strip())
    except ValueError:
        return math.nan


def boolean_value(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return bool(value)


def parse_date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def days(date: datetime.date) -> float:
    return float((date - EPOCH).days)


# --- ODK functions ----------------------------------------------------------------------------------------------

# The node the whole expression is evaluated for (XForms `current()`), and the clock and secondary instances of
# the evaluation; set by Evaluator.evaluate around each call.
_env: contextvars.ContextVar[tuple[etree._Element, datetime.date, Mapping[str, etree._Element]]] = (
    contextvars.ContextVar("xpath_env")
)


def _env_today() -> datetime.date:
    env = _env.get(None)
    return env[1] if env else timezone.localdate()


def _selected(_ctx: Any, values: Any, choice: Any) -> bool:
    return string_value(choice).strip() in string_value(values).split()


def _count_selected(_ctx: Any, values: Any) -> float:
    return float(len(string_value(values).split()))


def _selected_at(_ctx: Any, values: Any, index: Any) -> str:
    parts = string_value(values).split()
    position = number_value(index)
    if math.isnan(position) or not 0 <= int(position) < len(parts):
        return ""
    return parts[int(position)]


@functools.lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _regex(_ctx: Any, value: Any, pattern: Any) -> bool:
    return _pattern(string_value(pattern)).search(string_value(value)) is not None


def _today_string(_ctx: Any) -> str:
    return _env_today().isoformat()


def _today_days(_ctx: Any) -> float:
    return days(_env_today())


def _to_date(value: Any) -> datetime.date | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if math.isnan(value) else EPOCH + datetime.timedelta(days=math.floor(value))
    return parse_date(string_value(value))


def _date_string(_ctx: Any, value: Any) -> str:
    date = _to_date(value)
    return date.isoformat() if date else ""


def _date_days(_ctx: Any, value: Any) -> float:
    date = _to_date(value)
    return days(date) if date else math.nan


def _days_of(_ctx: Any, value: Any) -> Any:
    """A date node as a day number (for comparisons); an empty or non-date value stays a string."""
    text = string_value(value)
    date = parse_date(text) if text else None
    return days(date) if date else text


def _coalesce(_ctx: Any, first: Any, second: Any) -> str:
    text = string_value(first)
    return text if text != "" else string_value(second)


def _if(_ctx: Any, condition: Any, then: Any, otherwise: Any) -> Any:
    return then if boolean_value(condition) else otherwise


def _int(_ctx: Any, value: Any) -> float:
    number = number_value(value)
    return number if math.isnan(number) or math.isinf(number) else float(math.trunc(number))


def _instance(_ctx: Any, name: Any) -> list[etree._Element]:
    env = _env.get(None)
    found = env[2].get(string_value(name)) if env else None
    return [found] if found is not None else []


def _current_node(_ctx: Any) -> list[etree._Element]:
    env = _env.get(None)
    return [env[0]] if env else []


def _boolean_from_string(_ctx: Any, value: Any) -> bool:
    return string_value(value).strip() in ("true", "1")


ODK_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "selected": _selected,
    "count-selected": _count_selected,
    "selected-at": _selected_at,
    "regex": _regex,
    "today": _today_string,
    "date": _date_string,
    "coalesce": _coalesce,
    "if": _if,
    "int": _int,
    "instance": _instance,
    "current": _current_node,
    "boolean-from-string": _boolean_from_string,
    # Internal: the date-aware rewrite (see module docstring).
    "rasd-days": _days_of,
    "rasd-today-days": _today_days,
    "rasd-date-days": _date_days,
}
EXTENSIONS = {(None, name): function for name, function in ODK_FUNCTIONS.items()}
SUPPORTED = XPATH1_FUNCTIONS | ODK_FUNCTIONS.keys()
