"""Saving cross-field rules (`ValidationRule`): the one write path, for administrators and for the HeRAMS catalogue.

A rule is checked when it is saved, never first at run time: both sides must parse, every role must be a role of
rasd's vocabulary (docs/questionnaires.md) and every field it names must exist — in its questionnaire when it is
attached to one, in some questionnaire otherwise (a rule of the HeRAMS catalogue may name roles no questionnaire has
yet: it is written against the vocabulary, and applies once a questionnaire declares them) — and its messages may use
only `{left}` and `{right}`. A refused rule is not stored (`RuleError` names the part of the rule at fault). Rules
are never deleted: `set_rule_active()` switches one off. Every change is audited (`quality.rule_created`,
`quality.rule_changed`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from rasd.accounts.roles import Perm
from rasd.audit import services as audit
from rasd.quality import expressions
from rasd.quality.models import MissingValueStrategy, Operator, RuleOrigin, Severity, ValidationRule
from rasd.quality.rules.base import field_matches
from rasd.quality.rules.crossfield import forget_rules
from rasd.quality.services import QualityError
from rasd.questionnaires.models import Questionnaire, QuestionnaireField
from rasd.questionnaires.semantic_roles import ANY_CODE, VOCABULARY, role_problem

if TYPE_CHECKING:
    from rasd.accounts.models import User

RULE_PERMISSION = Perm.MANAGE_QUALITY_RULES
CATALOGUE = Path(__file__).parent / "data" / "herams_rules.json"
CODE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = ("left", "right")
LANGUAGES = ("ar", "ckb", "en")
AUDITED = (
    "name_ar",
    "name_ckb",
    "name_en",
    "message_ar",
    "message_ckb",
    "message_en",
    "left_side",
    "operator",
    "right_side",
    "importance",
    "missing_value_strategy",
    "questionnaire",
    "is_active",
)


class RuleError(QualityError):
    """A refused rule; `field` names the part at fault, as `RuleDefinition` and the rule pages name it (`code`,
    `name_ar`, `message_ckb`, `left_side`, `operator`…), or is blank for the rule as a whole."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RuleDefinition:
    """What a rule says. `names` and `messages` are {"ar": …, "ckb": …, "en": …} (Arabic required)."""

    code: str
    names: Mapping[str, str]
    messages: Mapping[str, str]
    left_side: str
    operator: str
    right_side: str
    importance: str = Severity.MEDIUM
    missing_value_strategy: str = MissingValueStrategy.SKIP_IF_ANY_VALUE_MISSING
    questionnaire: Questionnaire | None = None
    origin: str = RuleOrigin.DHIS2
    is_active: bool = True


def create_rule(actor: User | None, definition: RuleDefinition) -> ValidationRule:
    """Check and store a new rule (`actor=None` is the system)."""
    _allowed(actor)
    _check(definition)
    with transaction.atomic():
        if ValidationRule.objects.filter(code=definition.code).exists():
            raise RuleError(_("A rule with the code “%(code)s” exists already.") % {"code": definition.code}, "code")
        item = ValidationRule(code=definition.code, origin=definition.origin, created_by=actor, changed_by=actor)
        _assign(item, definition)
        item.save()
        audit.record("quality.rule_created", item, after=audit.snapshot(item, ("code", "origin", *AUDITED)))
        forget_rules()
        transaction.on_commit(forget_rules)  # and again once saved, should a check have read the old ones meanwhile
    return item


def update_rule(actor: User | None, item: ValidationRule, definition: RuleDefinition, *, reason: str = "") -> bool:
    """Check and store a rule's new definition; False when nothing changed. The code and origin never change:
    issues carry them."""
    _allowed(actor)
    if definition.code != item.code:
        raise RuleError(_("A rule's code cannot change; deactivate it and create another."), "code")
    _check(definition)
    with transaction.atomic():
        locked = ValidationRule.objects.select_for_update().get(pk=item.pk)
        before = audit.snapshot(locked, AUDITED)
        _assign(locked, definition)
        after = audit.snapshot(locked, AUDITED)
        if before == after:
            return False
        locked.changed_by = actor
        locked.save()
        audit.record("quality.rule_changed", locked, before=before, after=after, reason=reason)
        forget_rules()
        transaction.on_commit(forget_rules)  # and again once saved, should a check have read the old ones meanwhile
    return True


def set_rule_active(actor: User | None, item: ValidationRule, active: bool, *, reason: str) -> bool:
    """Switch a rule off (never deleted: its open issues are resolved by the next check of their records) or on
    again; False when it already was. Audited as `quality.rule_changed` with the reason."""
    if not reason.strip():
        raise RuleError(_("Say why the rule is switched off or on."), "reason")
    return update_rule(actor, item, dataclasses.replace(definition_of(item), is_active=active), reason=reason.strip())


def definition_of(item: ValidationRule) -> RuleDefinition:
    """What a stored rule says, to change part of it."""
    return RuleDefinition(
        code=item.code,
        names=item.names,
        messages=item.messages,
        left_side=item.left_side,
        operator=item.operator,
        right_side=item.right_side,
        importance=item.importance,
        missing_value_strategy=item.missing_value_strategy,
        questionnaire=item.questionnaire,
        origin=item.origin,
        is_active=item.is_active,
    )


def load_catalogue(actor: User | None = None, path: Path = CATALOGUE) -> tuple[int, int, int]:
    """The HeRAMS rules shipped with rasd: created when missing, brought up to date when the file changed (an
    administrator's deactivation is kept). Returns (created, changed, unchanged); running it twice changes nothing."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    return load_rules(actor, [definition_from(entry, RuleOrigin.HERAMS) for entry in entries])


def load_rules(
    actor: User | None,
    definitions: list[RuleDefinition],
    *,
    reason: str = "",
    places: Sequence[str] | None = None,
) -> tuple[int, int, int]:
    """Create or update each rule (by code) in one transaction: a refused rule stores none, and the refusal names
    where the rule was read (`places`, one per definition: "rasd_rules sheet, row 3"; "Rule 2" by default). Keeps a
    rule's deactivation; refuses to take over the code of a rule of another origin or questionnaire."""
    created = changed = unchanged = 0
    with transaction.atomic():
        for number, definition in enumerate(definitions, start=1):
            existing = ValidationRule.objects.filter(code=definition.code).first()
            try:
                if existing is None:
                    create_rule(actor, definition)
                    created += 1
                    continue
                if (existing.origin, existing.questionnaire) != (definition.origin, definition.questionnaire):
                    raise QualityError(_("The code “%(code)s” is used by another rule.") % {"code": definition.code})
                kept = dataclasses.replace(definition, is_active=existing.is_active)
                if update_rule(actor, existing, kept, reason=reason or _("Rule catalogue updated")):
                    changed += 1
                else:
                    unchanged += 1
            except QualityError as error:
                place = places[number - 1] if places is not None else _("Rule %(number)d") % {"number": number}
                raise QualityError(
                    _("%(place)s (%(code)s): %(message)s")
                    % {"place": place, "code": definition.code, "message": error.message}
                ) from None
    return created, changed, unchanged


def definition_from(
    entry: Mapping[str, Any], origin: str, questionnaire: Questionnaire | None = None
) -> RuleDefinition:
    """A definition from one entry of a catalogue file or `rasd_rules` sheet."""
    return RuleDefinition(
        code=str(entry.get("code", "")),
        names=entry.get("name") or {},
        messages=entry.get("message") or {},
        left_side=str(entry.get("left_side", "")),
        operator=str(entry.get("operator", "")),
        right_side=str(entry.get("right_side", "")),
        importance=entry.get("importance") or Severity.MEDIUM,
        missing_value_strategy=entry.get("missing_value_strategy") or MissingValueStrategy.SKIP_IF_ANY_VALUE_MISSING,
        questionnaire=questionnaire,
        origin=origin,
    )


def _allowed(actor: User | None) -> None:
    if actor is not None and not actor.can(RULE_PERMISSION):
        raise PermissionDenied(_("You may not change data-quality rules."))


def _assign(item: ValidationRule, definition: RuleDefinition) -> None:
    item.name_ar, item.name_ckb, item.name_en = (definition.names.get(code, "").strip() for code in LANGUAGES)
    item.message_ar, item.message_ckb, item.message_en = (
        definition.messages.get(code, "").strip() for code in LANGUAGES
    )
    item.left_side = definition.left_side.strip()
    item.operator = definition.operator
    item.right_side = definition.right_side.strip()
    item.importance = definition.importance
    item.missing_value_strategy = definition.missing_value_strategy
    item.questionnaire = definition.questionnaire
    item.is_active = definition.is_active


def _check(definition: RuleDefinition) -> None:
    if not CODE.match(definition.code):
        raise RuleError(
            _("The code must be lower-case letters, digits and underscores, starting with a letter (50 at most)."),
            "code",
        )
    if not definition.names.get("ar", "").strip():
        raise RuleError(_("The rule needs a name and a message in Arabic."), "name_ar")
    if not definition.messages.get("ar", "").strip():
        raise RuleError(_("The rule needs a name and a message in Arabic."), "message_ar")
    for value, choices, what, field in (
        (definition.operator, Operator.values, _("operator"), "operator"),
        (definition.importance, Severity.values, _("importance"), "importance"),
        (
            definition.missing_value_strategy,
            MissingValueStrategy.values,
            _("missing value strategy"),
            "missing_value_strategy",
        ),
        (definition.origin, RuleOrigin.values, _("origin"), ""),
    ):
        if value not in choices:
            raise RuleError(_("Unknown %(what)s “%(value)s”.") % {"what": what, "value": value}, field)
    for language, message in definition.messages.items():
        unknown = [name for name in PLACEHOLDER.findall(message) if name not in PLACEHOLDERS]
        if unknown:
            raise RuleError(
                _("The message (%(language)s) may use only {left} and {right}, not {%(name)s}.")
                % {"language": language, "name": unknown[0]},
                f"message_{language}",
            )
    sides = (
        (_("Left side"), definition.left_side, "left_side"),
        (_("Right side"), definition.right_side, "right_side"),
    )
    trees = []
    for side, source, field in sides:
        try:
            trees.append((side, expressions.parse(source), field))
        except expressions.ExpressionError as error:
            raise RuleError(f"{side}: {error.message}", field) from None
    all_refs = [ref for _side, tree, _field in trees for ref in expressions.refs(tree)]
    binder = next((ref for ref in all_refs if ref.variables), None)
    variables = {name for ref in all_refs for name in ref.variables}
    if binder is not None and not variables <= set(binder.variables):
        raise RuleError(
            _("The first field with <…> parts (%(ref)s) must have all of them: %(variables)s.")
            % {"ref": str(binder), "variables": ", ".join(f"<{name}>" for name in sorted(variables))},
            "left_side" if binder in expressions.refs(trees[0][1]) else "right_side",
        )
    known = _KnownFields(definition.questionnaire)
    for side, tree, field in trees:
        for ref in expressions.refs(tree):
            problem = _role_problem(ref.as_pattern) if ref.kind == "role" else None
            # The catalogue is written against the vocabulary: its rules may wait for a questionnaire with the roles.
            vocabulary_is_enough = ref.kind == "role" and definition.origin == RuleOrigin.HERAMS
            if problem is None and not vocabulary_is_enough and not known.has(ref):
                problem = _unknown_message(ref, definition.questionnaire)
            if problem is not None:
                raise RuleError(f"{side}: {problem}", field)


def _role_problem(key: str) -> str | None:
    """Whether a role, or a role pattern with `*` parts, is in rasd's vocabulary."""
    kind, *parts = key.split(":")
    expected = VOCABULARY.get(kind)
    if expected is not None and len(parts) == len(expected):
        # A `*` stands for any allowed value: check the rest with one of them in its place.
        parts = [
            ("x" if allowed == (ANY_CODE,) else allowed[0]) if part == "*" else part
            for part, allowed in zip(parts, expected, strict=True)
        ]
    return role_problem(":".join([kind, *parts]))


def _unknown_message(ref: expressions.Ref, questionnaire: Questionnaire | None) -> str:
    if questionnaire is not None:
        return _("%(ref)s is not a field of the questionnaire “%(questionnaire)s”.") % {
            "ref": str(ref),
            "questionnaire": questionnaire.form_id,
        }
    return _("%(ref)s is not a field of any questionnaire.") % {"ref": str(ref)}


class _KnownFields:
    """The roles and names of the fields of a questionnaire's versions (or of every questionnaire), read once."""

    def __init__(self, questionnaire: Questionnaire | None) -> None:
        fields = QuestionnaireField.objects.all()
        if questionnaire is not None:
            fields = fields.filter(version__questionnaire=questionnaire)
        rows = set(fields.values_list("role", "name").distinct())
        self.roles = {role for role, _name in rows if role}
        self.names = {name for _role, name in rows}

    def has(self, ref: expressions.Ref) -> bool:
        if ref.kind == "name":
            return ref.key in self.names
        return any(field_matches("role", ref.as_pattern, "", role) for role in self.roles)
