"""Server-side evaluation of the XPath in an XForm's binds: relevance, required, constraints, calculations and
choice filters, on an instance as ODK Collect submits it (elements in no namespace).

Why lxml (libxml2) rather than a pure-Python engine: ODK XPath is XPath 1.0, which libxml2 implements exactly
and fast (a few microseconds per compiled expression), so checking every rule of a 400-field form on thousands
of instances stays cheap. What ODK adds is supplied here:

- the ODK functions the default questionnaire uses (`selected`, `count-selected`, `selected-at`, `regex`,
  `today`, `date`, `coalesce`, `if`, `int`, `instance`, `current`, …) as extension functions; any other
  non-XPath-1.0 function is refused when the expression is compiled (`UnsupportedFunction`);
- absolute paths (`/data/...`) always mean the primary instance, even inside a predicate over a secondary
  instance such as `instance('facilities')/root/item[name= /data/identification/facility ]`; expressions are
  rewritten so they start from the variable `$rasd_primary` (libxml2 would resolve them in the item's document);
- dates: ODK compares dates as dates. In an expression with `<`/`>`, references to date-typed nodes (and `.`
  on a date node), `today()` and `date()` are turned into day numbers so `. <= today()` means what it says.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from rasd.questionnaires.xpath.compiling import compile_expression, rewrite, tokens
from rasd.questionnaires.xpath.form import Bind, Control, FormModel, csv_instance, path_of
from rasd.questionnaires.xpath.functions import (
    DATE_TYPES,
    EPOCH,
    INSTANCE_NAME,
    PRIMARY,
    UnsupportedFunction,
    XPathError,
    _env,
    boolean_value,
    string_value,
    text_of,
)

__all__ = [
    "DATE_TYPES",
    "Bind",
    "Control",
    "Evaluator",
    "FormModel",
    "Problem",
    "UnsupportedFunction",
    "XPathError",
    "compile_expression",
    "csv_instance",
    "path_of",
    "rewrite",
    "tokens",
]

# --- evaluating -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    path: str
    rule: str  # "required" | "constraint" | "not_relevant"
    expression: str = ""


class Evaluator:
    """Evaluates a form's expressions on one instance (`root`: the instance's root element)."""

    def __init__(
        self,
        model: FormModel,
        root: etree._Element,
        *,
        attachments: Mapping[str, etree._Element] | None = None,
        today: datetime.date | None = None,
    ) -> None:
        self.model = model
        self.root = root
        self.instances: dict[str, etree._Element] = {**model.inline_instances, **(attachments or {})}
        self.today = today or timezone.localdate()
        self._choice_cache: dict[str, list[str]] = {}

    def evaluate(self, expression: str, node: etree._Element, path: str | None = None) -> Any:
        compiled = self.model.compile(expression, path if path is not None else path_of(node))
        token = _env.set((node, self.today, self.instances))
        try:
            return compiled(node, rasd_primary=self.root)  # type: ignore[arg-type]  # lxml takes elements too
        except etree.XPathEvalError as error:
            raise XPathError(
                _("Cannot evaluate “%(expression)s”: %(error)s") % {"expression": expression, "error": error}
            ) from error
        finally:
            _env.reset(token)

    def boolean(self, expression: str, node: etree._Element, path: str | None = None) -> bool:
        # `required="true()"` is on most questions: not worth a trip through libxml2.
        if expression == "true()":
            return True
        if expression == "false()":
            return False
        return boolean_value(self.evaluate(expression, node, path))

    def string(self, expression: str, node: etree._Element, path: str | None = None) -> str:
        """The value of a calculation as it would be stored in the node (dates as ISO dates)."""
        path = path if path is not None else path_of(node)
        value = self.evaluate(expression, node, path)
        bind = self.model.binds.get(path)
        if bind is not None and bind.type in DATE_TYPES and isinstance(value, float) and not math.isnan(value):
            return (EPOCH + datetime.timedelta(days=int(value))).isoformat()
        return string_value(value)

    def is_relevant(self, node: etree._Element) -> bool:
        """Relevant when its own bind and every ancestor's bind say so (ODK's inherited relevance)."""
        current: etree._Element | None = node
        while current is not None:
            path = path_of(current)
            bind = self.model.binds.get(path)
            if bind is not None and bind.relevant and not self.boolean(bind.relevant, current, path):
                return False
            current = current.getparent()
        return True

    def choices(self, node: etree._Element, path: str | None = None) -> list[str]:
        """The values a select may take here (choice filters applied)."""
        path = path if path is not None else path_of(node)
        control = self.model.controls.get(path)
        if control is None:
            return []
        if not control.itemset:
            return list(control.choices)
        # A list that depends on no answer (no absolute path, no current()) is the same for every node: lists
        # from the form's own choices are kept with the form, those from attachments with this evaluator.
        static = self.model.static_itemsets.get(control.itemset)
        if static is None:
            source = rewrite(control.itemset, date_paths=self.model.date_paths)
            names = set(INSTANCE_NAME.findall(source))
            if PRIMARY in source or "current(" in source or "." in source.replace("..", ""):
                static = ""
            else:
                static = "inline" if names <= self.model.inline_instances.keys() else "attachment"
            self.model.static_itemsets[control.itemset] = static
        if static == "inline" and control.itemset in self.model.choice_cache:
            return self.model.choice_cache[control.itemset]
        if static == "attachment" and control.itemset in self._choice_cache:
            return self._choice_cache[control.itemset]
        items = self.evaluate(control.itemset, node, path)
        values: list[str] = []
        for item in items if isinstance(items, list) else ():
            found = item.find(control.value_ref) if isinstance(item, etree._Element) else None
            if found is not None:
                values.append(text_of(found))
        if static == "inline":
            self.model.choice_cache[control.itemset] = values
        elif static == "attachment":
            self._choice_cache[control.itemset] = values
        return values

    def check(self, node: etree._Element, path: str | None = None, *, choices_checked: bool = False) -> list[Problem]:
        """The rules one answer breaks (assuming its relevance was checked)."""
        path = path if path is not None else path_of(node)
        bind = self.model.binds.get(path)
        if bind is None:
            return []
        value = node.text or ""
        problems: list[Problem] = []
        if not value:
            if bind.required and self.boolean(bind.required, node, path):
                problems.append(Problem(path, "required", bind.required))
            return problems  # an empty answer satisfies any constraint (as in ODK)
        if bind.constraint and not self.boolean(bind.constraint, node, path):
            problems.append(Problem(path, "constraint", bind.constraint))
        control = self.model.controls.get(path)
        if control is not None and control.kind in ("select1", "select") and not choices_checked:
            allowed = set(self.choices(node, path))
            chosen = value.split() if control.kind == "select" else [value]
            if any(choice not in allowed for choice in chosen):
                problems.append(Problem(path, "choice", control.itemset))
        return problems

    def validate(self) -> list[Problem]:
        """Every rule the instance breaks: answers in non-relevant places, missing required answers, failing
        constraints and choices outside the (filtered) list. One walk from the root: each group's relevance is
        evaluated once and inherited by what it holds (as ODK does), and paths are built on the way down."""
        problems: list[Problem] = []
        self._validate_children(self.root, path_of(self.root), True, problems)
        return problems

    def _validate_children(self, parent: etree._Element, parent_path: str, relevant: bool, out: list[Problem]) -> None:
        binds = self.model.binds
        for node in parent:
            tag: object = node.tag
            if not isinstance(tag, str):  # comments and processing instructions
                continue
            path = f"{parent_path}/{tag}"
            bind = binds.get(path)
            node_relevant = relevant and not (
                bind is not None and bind.relevant and not self.boolean(bind.relevant, node, path)
            )
            if len(node):
                self._validate_children(node, path, node_relevant, out)
            elif bind is None or bind.calculate or bind.preload:
                continue
            elif not node_relevant:
                if node.text:
                    out.append(Problem(path, "not_relevant", bind.relevant))
            else:
                out.extend(self.check(node, path))
