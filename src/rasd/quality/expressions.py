"""The small expression language of cross-field rules (no Python `eval`): parsed once, when a rule is saved, into a
tree that is then evaluated on each version's answers.

    expression := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum (("==" | "!=" | ">" | ">=" | "<" | "<=") sum)?
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := number | 'text' | #{role} | ${field_name} | function "(" arguments ")" | "(" expression ")"

`#{role}` names a field by its role (`beds:general`, `status:functionality`); a `*` in place of a part matches every
role of that shape (`#{beds:*}` is the sum of all bed counts, as a DHIS2 data element without a category option
combination is the total of all of them). A `<variable>` in place of a part makes the rule one rule per value found
in the form: `#{beds_functional:<ward>} <= #{beds:<ward>}` compares each ward's functional beds with its beds.
`${name}` names a field by its XLSForm name. Functions:

    if(condition, then, else)          count(reference, 'value', …)     is_empty(reference)
    one_of(value, 'value', …)          facility_type()  level_of_care()  facility_status()

`count` counts the referenced fields whose answer is (or, for a multiple choice, contains) one of the values; the
facility functions read the master list (the facility's type code, its level of care, its operational status).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _

COMPARISONS = ("==", "!=", ">=", "<=", ">", "<")
FACILITY_FUNCTIONS = ("facility_type", "level_of_care", "facility_status")
# name -> (the fewest arguments, the most (None: any number))
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "if": (3, 3),
    "count": (2, None),
    "is_empty": (1, 1),
    "one_of": (2, None),
    **dict.fromkeys(FACILITY_FUNCTIONS, (0, 0)),
}
MAX_LENGTH = 2000

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<text>'[^']*'|"[^"]*")
  | (?P<role>\#\{[^}]*\})
  | (?P<name>\$\{[^}]*\})
  | (?P<op>==|!=|>=|<=|>|<|\+|-|\*|/|\(|\)|,)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)
_ROLE = re.compile(r"^[a-z_]+(?::(?:[a-z0-9][a-z0-9_\-]*|\*|<[a-z_]+>))*$")
_VARIABLE = re.compile(r"<([a-z_]+)>")
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


class ExpressionError(ValueError):
    """An expression that cannot be parsed, with a translated message saying where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Skip(Exception):
    """The expression has no value for this record (a division by zero, text where a number is needed)."""


# --- the tree ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class Ref:
    kind: str  # "role" or "name"
    key: str

    @property
    def is_pattern(self) -> bool:
        return "*" in self.key

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(_VARIABLE.findall(self.key)) if self.kind == "role" else ()

    @property
    def as_pattern(self) -> str:
        """The key with every variable as `*`: the roles the reference can stand for."""
        return _VARIABLE.sub("*", self.key)

    def bound(self, binding: Mapping[str, str]) -> Ref:
        return Ref(self.kind, _VARIABLE.sub(lambda match: binding[match.group(1)], self.key)) if binding else self

    def binding_of(self, role: str) -> dict[str, str]:
        """The variables' values that make this reference name `role` (which matches `as_pattern`)."""
        return {
            part[1:-1]: value
            for part, value in zip(self.key.split(":"), role.split(":"), strict=False)
            if part.startswith("<")
        }

    def __str__(self) -> str:
        return f"#{{{self.key}}}" if self.kind == "role" else f"${{{self.key}}}"


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "not"
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Number | Text | Ref | Unary | Binary | Call


def refs(node: Node) -> Iterator[Ref]:
    """Every field reference in the tree, in reading order."""
    if isinstance(node, Ref):
        yield node
    elif isinstance(node, Unary):
        yield from refs(node.operand)
    elif isinstance(node, Binary):
        yield from refs(node.left)
        yield from refs(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from refs(arg)


def bound(node: Node, binding: Mapping[str, str]) -> Node:
    """The tree with every `<variable>` replaced by its value in `binding`."""
    if not binding:
        return node
    if isinstance(node, Ref):
        return node.bound(binding)
    if isinstance(node, Unary):
        return Unary(node.op, bound(node.operand, binding))
    if isinstance(node, Binary):
        return Binary(node.op, bound(node.left, binding), bound(node.right, binding))
    if isinstance(node, Call):
        return Call(node.name, tuple(bound(arg, binding) for arg in node.args))
    return node


# --- parsing ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    at: int  # 1-based character position, for messages


def _tokens(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            where = {"char": source[position], "at": position + 1}
            raise ExpressionError(_("Unexpected character “%(char)s” at position %(at)d.") % where)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position + 1))
        position = match.end()
    return tokens


def parse(source: str) -> Node:
    """The tree of `source`, or ExpressionError saying what is wrong and where."""
    source = source.strip()
    if not source:
        raise ExpressionError(_("The expression is empty."))
    if len(source) > MAX_LENGTH:
        raise ExpressionError(_("The expression is longer than %(max)d characters.") % {"max": MAX_LENGTH})
    parser = _Parser(_tokens(source))
    node = parser.expression()
    if parser.peek() is not None:
        token = parser.peek()
        assert token is not None
        raise ExpressionError(_("Unexpected “%(text)s” at position %(at)d.") % {"text": token.text, "at": token.at})
    _check_types(node)
    return node


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, *texts: str) -> _Token | None:
        token = self.peek()
        if token is not None and token.kind in ("op", "word") and token.text in texts:
            self.index += 1
            return token
        return None

    def expect(self, text: str) -> None:
        if self.take(text) is None:
            token = self.peek()
            if token is None:
                raise ExpressionError(_("“%(text)s” expected at the end of the expression.") % {"text": text})
            raise ExpressionError(
                _("“%(text)s” expected at position %(at)d, not “%(found)s”.")
                % {"text": text, "at": token.at, "found": token.text}
            )

    def expression(self) -> Node:
        return self._binary_chain(self.conjunction, ("or",))

    def conjunction(self) -> Node:
        return self._binary_chain(self.negation, ("and",))

    def negation(self) -> Node:
        if self.take("not"):
            return Unary("not", self.negation())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.sum()
        token = self.take(*COMPARISONS)
        if token is None:
            return left
        return Binary(token.text, left, self.sum())

    def sum(self) -> Node:
        return self._binary_chain(self.product, ("+", "-"))

    def product(self) -> Node:
        return self._binary_chain(self.unary, ("*", "/"))

    def _binary_chain(self, operand: Callable[[], Node], ops: tuple[str, ...]) -> Node:
        node = operand()
        while (token := self.take(*ops)) is not None:
            node = Binary(token.text, node, operand())
        return node

    def unary(self) -> Node:
        if self.take("-"):
            return Unary("-", self.unary())
        return self.primary()

    def primary(self) -> Node:
        token = self.peek()
        if token is None:
            raise ExpressionError(_("The expression ends too early."))
        self.index += 1
        if token.kind == "number":
            return Number(float(token.text))
        if token.kind == "text":
            return Text(token.text[1:-1])
        if token.kind in ("role", "name"):
            return _reference(token)
        if token.kind == "word" and token.text in FUNCTIONS:
            return self.call(token)
        if token.text == "(":
            node = self.expression()
            self.expect(")")
            return node
        if token.kind == "word":
            raise ExpressionError(
                _("Unknown function or word “%(text)s” at position %(at)d. Functions: %(functions)s.")
                % {"text": token.text, "at": token.at, "functions": ", ".join(sorted(FUNCTIONS))}
            )
        raise ExpressionError(_("Unexpected “%(text)s” at position %(at)d.") % {"text": token.text, "at": token.at})

    def call(self, token: _Token) -> Node:
        self.expect("(")
        args: list[Node] = []
        if not self.take(")"):
            args.append(self.expression())
            while self.take(","):
                args.append(self.expression())
            self.expect(")")
        fewest, most = FUNCTIONS[token.text]
        if len(args) < fewest or (most is not None and len(args) > most):
            raise ExpressionError(
                _("%(function)s() at position %(at)d takes %(expected)s argument(s), not %(count)d.")
                % {
                    "function": token.text,
                    "at": token.at,
                    "expected": str(fewest) if most == fewest else _("%(fewest)d or more") % {"fewest": fewest},
                    "count": len(args),
                }
            )
        return Call(token.text, tuple(args))


def _reference(token: _Token) -> Ref:
    key = token.text[2:-1].strip()
    if token.kind == "role":
        if not _ROLE.match(key):
            raise ExpressionError(
                _("“%(text)s” at position %(at)d is not a role (for example #{beds:general} or #{beds:*}).")
                % {"text": token.text, "at": token.at}
            )
        return Ref("role", key)
    if not _FIELD_NAME.match(key):
        raise ExpressionError(
            _("“%(text)s” at position %(at)d is not a field name.") % {"text": token.text, "at": token.at}
        )
    return Ref("name", key)


def _check_types(node: Node) -> None:
    """What can be told before any answer is known: no text in arithmetic, literal values where functions need
    them, a field reference where one is needed."""
    if isinstance(node, Unary):
        _check_types(node.operand)
        if node.op == "-" and isinstance(node.operand, Text):
            raise ExpressionError(_("A text cannot be negative: “-'%(text)s'”.") % {"text": node.operand.value})
    elif isinstance(node, Binary):
        _check_types(node.left)
        _check_types(node.right)
        if node.op in ("+", "-", "*", "/") and (isinstance(node.left, Text) or isinstance(node.right, Text)):
            raise ExpressionError(_("Text cannot be used in a calculation (“%(op)s”).") % {"op": node.op})
    elif isinstance(node, Call):
        for arg in node.args:
            _check_types(arg)
        if node.name in ("count", "is_empty") and not isinstance(node.args[0], Ref):
            raise ExpressionError(_("The first argument of %(function)s() must be a field.") % {"function": node.name})
        if node.name in ("count", "one_of") and not all(isinstance(arg, Text | Number) for arg in node.args[1:]):
            raise ExpressionError(
                _("The values of %(function)s() must be written out, as 'value' or a number.") % {"function": node.name}
            )


# --- evaluation -------------------------------------------------------------------------------------------------


class Answers(Protocol):
    """What an expression reads: the answers of the fields a reference names, and the facility in the master list."""

    def answers(self, ref: Ref) -> Sequence[Any]:
        """The non-empty answers of the fields `ref` names, in form order (none: the value is missing)."""

    def facility(self, attribute: str) -> str:
        """`facility_type`, `level_of_care` or `facility_status` of the record's facility ("" without one)."""


Value = float | str | None  # None: missing


def evaluate(node: Node, env: Answers) -> Value:
    """The value of `node`. A missing answer is None; arithmetic and comparisons read it as 0 (or as "" beside a
    text), as DHIS2 does once the missing value strategy let the rule run. Raises Skip when there is no value."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Text):
        return node.value
    if isinstance(node, Ref):
        return _ref_value(node, env)
    if isinstance(node, Unary):
        value = evaluate(node.operand, env)
        return float(not truthy(value)) if node.op == "not" else -_number(value)
    if isinstance(node, Binary):
        return _binary(node, env)
    return _call(node, env)


def truthy(value: Value) -> bool:
    return bool(value)


def _ref_value(ref: Ref, env: Answers) -> Value:
    found = env.answers(ref)
    if not found:
        return None
    if ref.is_pattern:  # the total of every field the pattern matches
        return sum(_number(value) for value in found)
    value = found[0]
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return str(value)


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        raise Skip(str(value)) from None


def _binary(node: Binary, env: Answers) -> Value:
    if node.op == "and":
        return float(truthy(evaluate(node.left, env)) and truthy(evaluate(node.right, env)))
    if node.op == "or":
        return float(truthy(evaluate(node.left, env)) or truthy(evaluate(node.right, env)))
    return apply(node.op, evaluate(node.left, env), evaluate(node.right, env))


def apply(op: str, left: Value, right: Value) -> Value:
    """`left op right` for arithmetic and comparison operators (comparisons give 1.0 or 0.0)."""
    if op in COMPARISONS:
        return float(compare(op, left, right))
    a, b = _number(left), _number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise Skip("division by zero")
    return a / b


def compare(op: str, left: Value, right: Value) -> bool:
    if isinstance(left, str) or isinstance(right, str):
        try:
            a, b = _number(left), _number(right)  # "5" and 5 compare as numbers
        except Skip:
            if op not in ("==", "!="):
                raise
            return (str(left or "") == str(right or "")) == (op == "==")
    else:
        a, b = _number(left), _number(right)
    return {"==": a == b, "!=": a != b, ">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]


def _call(node: Call, env: Answers) -> Value:
    if node.name == "if":
        condition, then, otherwise = node.args
        return evaluate(then if truthy(evaluate(condition, env)) else otherwise, env)
    if node.name in FACILITY_FUNCTIONS:
        return env.facility(node.name)
    if node.name == "is_empty":
        first = node.args[0]
        assert isinstance(first, Ref)
        return float(not env.answers(first))
    wanted = {_literal(arg) for arg in node.args[1:]}
    if node.name == "one_of":
        value = evaluate(node.args[0], env)
        return float(_literal_of(value) in wanted)
    first = node.args[0]
    assert isinstance(first, Ref)
    return float(sum(1 for value in env.answers(first) if _matches(value, wanted)))


def _literal(node: Node) -> str:
    assert isinstance(node, Text | Number)
    return _literal_of(node.value)


def _literal_of(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _matches(answer: Any, wanted: set[str]) -> bool:
    if isinstance(answer, list):
        return any(_literal_of(item) in wanted for item in answer)
    return _literal_of(answer) in wanted


def shown(value: Value) -> str | float | int:
    """A value as a message shows it: whole numbers without ".0", missing as an empty text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
