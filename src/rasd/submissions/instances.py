"""Instances built on the server from answers: paper double entry and imports hand answers keyed by field path
(as `SubmissionVersion.answers` stores them) and get back the XML a client would have sent.

The XForm's own primary instance is the template, so the element order, the root's `id`/`version` and the
metadata are exactly those of the form; calculations are computed as ODK Collect would (with the facility's row
of `facilities.csv`), and the form's rules (required, constraints, relevance, choice lists) are checked so the
caller can show what is wrong before anything is sent to the pipeline.
"""

from __future__ import annotations

import copy
import datetime
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree

from rasd.collection.attachments import facility_row, sector_rows
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.questionnaires.xpath import Evaluator, FormModel, Problem, csv_instance, path_of
from rasd.questionnaires.xpath.functions import format_number

if TYPE_CHECKING:
    from rasd.registry.models import Facility

NAMESPACES = {"jr": "http://openrosa.org/javarosa", "orx": "http://openrosa.org/xforms"}
JR_TEMPLATE = f"{{{NAMESPACES['jr']}}}template"

_models: dict[tuple[int, str], FormModel] = {}
_lock = threading.Lock()


def form_model(version: QuestionnaireVersion) -> FormModel:
    """The parsed XForm of a version, once per process (a published version never changes; the md5 guards
    against a reused primary key)."""
    key = (version.pk, version.md5)
    with _lock:
        model = _models.get(key)
        if model is None:
            model = FormModel.from_xform(version.xform)
            _models[key] = model
        return model


@dataclass(frozen=True)
class BuiltInstance:
    xml: bytes
    instance_id: str
    problems: list[Problem]  # the form's rules the answers break (empty: ODK Collect would have accepted it)


def new_instance_id() -> str:
    return f"uuid:{uuid.uuid4()}"


def text_of_answer(value: Any) -> str:
    """An answer as the XML text ODK writes: numbers without a useless `.0`, lists space-separated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, list | tuple):
        return " ".join(text_of_answer(item) for item in value)
    return str(value).strip()


def facility_attachments(facility: Facility | None) -> dict[str, etree._Element]:
    """The secondary instances the form's calculations read (`facilities.csv`, `sectors.csv`), for one facility."""
    if facility is None:
        return {"facilities": csv_instance([]), "sectors": csv_instance([])}
    return {"facilities": csv_instance([facility_row(facility)]), "sectors": csv_instance(sector_rows(facility))}


def build_instance(
    version: QuestionnaireVersion,
    answers: Mapping[str, Any],
    *,
    facility: Facility | None = None,
    instance_id: str | None = None,
    deprecated_id: str = "",
    started_at: datetime.datetime | None = None,
    ended_at: datetime.datetime | None = None,
    today: datetime.date | None = None,
) -> BuiltInstance:
    """The instance XML of `version` holding `answers` (keyed by field path; a repeat's answer is a list of
    dicts keyed by path, as stored). Answers for paths the form does not have are ignored."""
    model = form_model(version)
    root = copy.deepcopy(model.template)
    _fill(root, answers)
    instance_id = instance_id or new_instance_id()
    _set_meta(root, instance_id, deprecated_id)
    for node in root.iter():
        bind = model.binds.get(path_of(node)) if isinstance(node.tag, str) else None
        if bind is not None and bind.preload == "timestamp":
            moment = started_at if bind.preload_params == "start" else ended_at
            node.text = moment.isoformat() if moment is not None else node.text
    evaluator = Evaluator(model, root, attachments=facility_attachments(facility), today=today)
    _calculate(model, root, evaluator)
    problems = evaluator.validate()
    return BuiltInstance(serialise(root), instance_id, problems)


def _fill(element: etree._Element, answers: Mapping[str, Any]) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or child.getparent() is None:
            continue  # a comment, or a repeat element already replaced by its filled copies
        path = path_of(child)
        value = answers.get(path)
        if isinstance(value, list) and value and all(isinstance(entry, Mapping) for entry in value):
            _fill_repeat(child, value)
        elif len(child):
            _fill(child, answers)
        elif value is not None:
            child.text = text_of_answer(value) or None


def _fill_repeat(node: etree._Element, entries: list[Mapping[str, Any]]) -> None:
    """Replace the repeat's elements (its template and any blank instance) by one filled copy per entry."""
    parent = node.getparent()
    assert parent is not None
    siblings = [sibling for sibling in parent if sibling.tag == node.tag]
    model_node = copy.deepcopy(siblings[0])
    if JR_TEMPLATE in model_node.attrib:
        del model_node.attrib[JR_TEMPLATE]
    anchor = siblings[-1]
    for entry in entries:
        clone = copy.deepcopy(model_node)
        anchor.addnext(clone)
        anchor = clone
        _fill(clone, entry)
    for sibling in siblings:
        parent.remove(sibling)


def _set_meta(root: etree._Element, instance_id: str, deprecated_id: str) -> None:
    meta = root.find("meta")
    if meta is None:
        meta = etree.SubElement(root, "meta")
    element = meta.find("instanceID")
    if element is None:
        element = etree.SubElement(meta, "instanceID")
    element.text = instance_id
    previous = meta.find("deprecatedID")
    if deprecated_id:
        if previous is None:
            previous = etree.Element("deprecatedID")
            element.addnext(previous)
        previous.text = deprecated_id
    elif previous is not None:
        meta.remove(previous)


def _calculate(model: FormModel, root: etree._Element, evaluator: Evaluator) -> None:
    # Twice: a calculation may read one that comes later in the document (rare, and never deeper than that in
    # the forms we know).
    for _pass in range(2):
        for node in root.iter():
            if not isinstance(node.tag, str) or len(node):
                continue
            path = path_of(node)
            bind = model.binds.get(path)
            if bind is None or not bind.calculate:
                continue
            node.text = evaluator.string(bind.calculate, node, path) if evaluator.is_relevant(node) else None
            node.text = node.text or None


def serialise(root: etree._Element) -> bytes:
    """The instance as ODK Collect sends it: UTF-8, no namespace on the elements, jr/orx declared on the root."""
    out = etree.Element(root.tag, nsmap=NAMESPACES)
    for key, value in root.attrib.items():
        out.set(key, value)
    out[:] = list(root)
    return etree.tostring(out, xml_declaration=True, encoding="UTF-8")
