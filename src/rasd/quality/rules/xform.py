"""The questionnaire's own rules, checked again on the server: required answers, constraints, choices outside the
(filtered) list and answers where the question does not apply. Phones check these as the form is filled; browser
entry, paper entry and imports do not go through a phone, and an old or modified client may not check at all.

The facility question is left to the master-list rules (`registry.*`): its choices come from facilities.csv, which
a merged or unknown facility does not match, and that is one problem, not two. Without a facility, neither are the
other lists read from the attachments (the sector) checked.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext_lazy as _

from rasd.quality.rules.base import Context, Finding, FormInfo, Rule, RuleSource
from rasd.quality.rules.catalogue import check, register
from rasd.questionnaires.xpath import Evaluator, Problem, XPathError, path_of
from rasd.registry.quality.base import Severity

log = logging.getLogger(__name__)

VALUE_SHOWN = 100  # characters of an answer kept in the message

register(
    Rule(
        "xform.required",
        Severity.HIGH,
        RuleSource.ODK,
        _("Required answer missing"),
        _("“%(field)s” must be answered but is empty."),
    ),
    Rule(
        "xform.constraint",
        Severity.HIGH,
        RuleSource.ODK,
        _("Answer breaks the form's constraint"),
        _("“%(field)s”: the answer “%(value)s” is not accepted. %(constraint_message)s"),
    ),
    Rule(
        "xform.choice",
        Severity.HIGH,
        RuleSource.ODK,
        _("Answer not among the choices"),
        _("“%(field)s”: “%(value)s” is not one of the choices offered for this question."),
    ),
    Rule(
        "xform.not_relevant",
        Severity.LOW,
        RuleSource.ODK,
        _("Answer to a question that does not apply"),
        _("“%(field)s” has an answer (“%(value)s”) although the other answers make this question not apply."),
    ),
)


@check
def form_rules(context: Context) -> list[Finding]:
    if context.form_checked_by_client:
        return []
    form = context.form
    facility_paths = form.paths_with_role("facility_code")
    unknown_lists = _lists_from_attachments(form) if context.facility is None else frozenset()
    try:
        evaluator = Evaluator(form.model, context.instance, attachments=context.attachments(), today=context.today)
        problems = evaluator.validate()
    except XPathError:
        # A form expression the evaluator cannot run is a questionnaire problem, not a data problem: the record
        # must still be built. It is logged for the questionnaire's author.
        log.exception("cannot re-check version %s against its form", context.version.pk)
        return []
    values = _values(context, {problem.path for problem in problems})
    return [
        Finding(f"xform.{problem.rule}", problem.path, _params(form, problem, values.get(problem.path, "")))
        for problem in problems
        if problem.path not in facility_paths and not (problem.rule == "choice" and problem.path in unknown_lists)
    ]


def _lists_from_attachments(form: FormInfo) -> frozenset[str]:
    """Questions whose choices come from facilities.csv or sectors.csv: without a facility the server does not know
    the lists the phone had, so their choices cannot be checked."""
    names = [f"instance('{name}')" for name in form.model.external_instances]
    return frozenset(
        path
        for path, control in form.model.controls.items()
        if control.itemset and any(name in control.itemset.replace('"', "'") for name in names)
    )


def _values(context: Context, paths: set[str]) -> dict[str, str]:
    """The answer text at each path (the first one, for a field inside a repeat)."""
    values: dict[str, str] = {}
    if not paths:
        return values
    for node in context.instance.iter():
        if isinstance(node.tag, str) and not len(node):
            path = path_of(node)
            if path in paths and path not in values:
                values[path] = (node.text or "").strip()[:VALUE_SHOWN]
    return values


def _params(form: FormInfo, problem: Problem, value: str) -> dict[str, Any]:
    info = form.fields.get(problem.path)
    params: dict[str, Any] = {"field": dict(info.labels) if info else {}}
    if problem.rule != "required":
        params["value"] = value
    if problem.rule == "constraint":
        messages = dict(info.constraint_messages) if info else {}
        params["constraint_message"] = messages or {"default": problem.expression}
    return params
