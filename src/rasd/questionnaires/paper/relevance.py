"""Relevance expressions (XPath, as written in XLSForms) read into a small tree, for turning into words.

Only the common shapes are understood: comparisons of a field with a literal (`${x} = 'yes'`,
`/data/g/x != ''`, `${n} >= 3`), `selected(${x}, 'v')`, `not(...)`, `and`, `or` and parentheses. Anything else
raises `Unparsed`, and the caller prints the expression as it is. Nothing is ever evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{[A-Za-z_][\w.\-]*\}|/[A-Za-z_][\w.\-]*(?:/[A-Za-z_][\w.\-]*)*)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z][\w\-]*)
    )""",
    re.VERBOSE,
)


class Unparsed(ValueError):
    """The expression has a shape this module does not put into words."""


@dataclass(frozen=True)
class Compare:
    ref: str  # "${name}" or "/data/.../name"
    op: str
    value: str
    numeric: bool


@dataclass(frozen=True)
class Selected:
    ref: str
    value: str


@dataclass(frozen=True)
class Not:
    item: Condition


@dataclass(frozen=True)
class Junction:
    op: str  # "and" | "or"
    items: tuple[Condition, ...]


Condition = Compare | Selected | Not | Junction
_FLIP = {"=": "=", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}


def tokenize(expression: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = expression.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise Unparsed(expression)
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, expression: str) -> None:
        self.tokens = tokenize(expression)
        self.index = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.index] if self.index < len(self.tokens) else ("end", "")

    def take(self, kind: str, value: str | None = None) -> str:
        token_kind, token_value = self.peek()
        if token_kind != kind or (value is not None and token_value != value):
            raise Unparsed(f"expected {value or kind}")
        self.index += 1
        return token_value

    def parse(self) -> Condition:
        condition = self.junction("or")
        if self.peek()[0] != "end":
            raise Unparsed("trailing tokens")
        return condition

    def junction(self, op: str) -> Condition:
        items = [self.junction("and") if op == "or" else self.unary()]
        while self.peek() == ("word", op):
            self.index += 1
            items.append(self.junction("and") if op == "or" else self.unary())
        return items[0] if len(items) == 1 else Junction(op, tuple(items))

    def unary(self) -> Condition:
        kind, value = self.peek()
        if (kind, value) == ("word", "not"):
            self.index += 1
            self.take("punct", "(")
            inner = self.junction("or")
            self.take("punct", ")")
            return Not(inner)
        if (kind, value) == ("word", "selected"):
            self.index += 1
            self.take("punct", "(")
            ref = self.take("ref")
            self.take("punct", ",")
            literal = self.literal()
            self.take("punct", ")")
            return Selected(ref, literal[0])
        if (kind, value) == ("punct", "("):
            self.index += 1
            inner = self.junction("or")
            self.take("punct", ")")
            return inner
        return self.comparison()

    def literal(self) -> tuple[str, bool]:
        kind, value = self.peek()
        if kind == "string":
            self.index += 1
            return value[1:-1], False
        if kind == "number":
            self.index += 1
            return value, True
        raise Unparsed("expected a literal")

    def comparison(self) -> Condition:
        if self.peek()[0] == "ref":
            ref = self.take("ref")
            op = self.take("op")
            value, numeric = self.literal()
            return Compare(ref, op, value, numeric)
        value, numeric = self.literal()
        op = _FLIP[self.take("op")]
        return Compare(self.take("ref"), op, value, numeric)


def parse(expression: str) -> Condition:
    """The condition tree of a relevance expression; `Unparsed` if its shape is not one of the common ones."""
    return _Parser(expression).parse()


def ref_name(ref: str) -> str:
    """The field name a reference points at: `${x}` → x, `/data/g/x` → x."""
    return ref[2:-1] if ref.startswith("${") else ref.rsplit("/", 1)[-1]
