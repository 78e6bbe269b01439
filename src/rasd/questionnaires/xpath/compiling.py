"""Compiling ODK XPath for libxml2: refusing unknown functions, absolute paths from the primary instance, dates as
day numbers where an expression compares (see the package docstring)."""

from __future__ import annotations

import functools
import re

from django.utils.translation import gettext as _
from lxml import etree

from rasd.questionnaires.xpath.functions import (
    CALL,
    EXTENSIONS,
    LITERAL,
    NODE_TESTS,
    PRIMARY,
    SUPPORTED,
    UnsupportedFunction,
    XPathError,
)

# --- compiling --------------------------------------------------------------------------------------------------

TOKEN = re.compile(
    r"""(?P<literal>'[^']*'|"[^"]*")
      |(?P<number>\d+(?:\.\d*)?|\.\d+)
      |(?P<name>[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)
      |(?P<op>\.\.|::|//|!=|<=|>=|[./=<>()\[\],|+*@$\-])
      |(?P<space>\s+)""",
    re.VERBOSE,
)
# After these (or at the start) a `/` starts an absolute path rather than separating steps.
OPERATOR_NAMES = frozenset({"and", "or", "div", "mod"})
PATH_STEP_OPS = frozenset({"/", "//", "*", "..", ".", "@"})
PATH_START_AFTER = frozenset(
    {"(", "[", ",", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "|", "and", "or", "div", "mod"}
)


def tokens(expression: str) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    position = 0
    while position < len(expression):
        match = TOKEN.match(expression, position)
        if match is None:
            raise XPathError(_("Cannot read the expression “%(expression)s”.") % {"expression": expression})
        kind = match.lastgroup or ""
        result.append((kind, match.group()))
        position = match.end()
    return result


def rewrite(
    expression: str, *, date_paths: frozenset[str] = frozenset(), context_is_date: bool = False, root_name: str = ""
) -> str:
    """The expression as libxml2 should evaluate it (see the module docstring): absolute paths from the primary
    instance, dates as day numbers where it compares. Raises UnsupportedFunction for unknown functions."""
    parts = tokens(expression)
    significant = [index for index, (kind, _text) in enumerate(parts) if kind != "space"]
    compares = any(kind == "op" and text in ("<", "<=", ">", ">=") for kind, text in parts)
    output: list[str] = []
    previous: str | None = None
    index = 0
    while index < len(parts):
        kind, text = parts[index]
        following = next((parts[i] for i in significant if i > index), ("", ""))
        if kind == "name" and following[1] == "(" and text not in OPERATOR_NAMES and previous != "::":
            if text not in NODE_TESTS and text not in SUPPORTED:
                raise UnsupportedFunction(
                    _("The function %(name)s() is not supported in server-side checks.") % {"name": text}
                )
            if compares and text == "today":
                text = "rasd-today-days"
            elif compares and text == "date":
                text = "rasd-date-days"
            output.append(text)
        elif kind == "op" and text in ("/", "//") and (previous is None or previous in PATH_START_AFTER):
            # An absolute path: take its steps (no spaces inside, as pyxform writes them).
            end = index + 1
            while end < len(parts) and (parts[end][0] == "name" or parts[end][1] in PATH_STEP_OPS):
                end += 1
            path = text + "".join(token for _kind, token in parts[index + 1 : end])
            if root_name and text == "/" and (path == f"/{root_name}" or path.startswith(f"/{root_name}/")):
                replaced = f"${PRIMARY}" + path[len(root_name) + 1 :]  # the variable is the root element
            else:
                replaced = f"${PRIMARY}/.." + (path if path != "/" else "")
            if compares and path in date_paths:
                replaced = f"rasd-days({replaced})"
            output.append(replaced)
            previous = "path"
            index = end
            continue
        elif kind == "op" and text == "." and compares and context_is_date and following[1] not in ("/", "//", "["):
            output.append("rasd-days(.)")
        else:
            output.append(text)
        if kind != "space":
            previous = text if kind == "op" or text in OPERATOR_NAMES else kind
        index += 1
    return "".join(output)


@functools.lru_cache(maxsize=8192)
def compile_expression(
    expression: str, date_paths: frozenset[str] = frozenset(), context_is_date: bool = False, root_name: str = ""
) -> etree.XPath:
    """A compiled expression, cached: forms repeat the same expressions, and the simulator evaluates them often."""
    source = rewrite(expression, date_paths=date_paths, context_is_date=context_is_date, root_name=root_name)
    # Only the extension functions the expression calls: each registered one costs time at every evaluation.
    called = set(CALL.findall(LITERAL.sub("''", source)))
    extensions = {key: function for key, function in EXTENSIONS.items() if key[1] in called}
    try:
        return etree.XPath(source, extensions=extensions or None)
    except etree.XPathSyntaxError as error:
        raise XPathError(
            _("The expression “%(expression)s” is not valid XPath: %(error)s")
            % {"expression": expression, "error": error}
        ) from error
