"""What the server needs of an XForm: binds, body controls (with itemsets), instances, parsed once per version."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lxml import etree

from rasd.questionnaires.xpath.compiling import compile_expression
from rasd.questionnaires.xpath.functions import CONTROL_KINDS, DATE_TYPES, JR, XFORMS, XPathError

# --- the form ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bind:
    path: str
    type: str = "string"
    relevant: str = ""
    required: str = ""
    constraint: str = ""
    calculate: str = ""
    readonly: str = ""
    preload: str = ""
    preload_params: str = ""


@dataclass(frozen=True)
class Control:
    """A body control: its kind (input, select1, select, …) and, for selects, the itemset or inline choices."""

    ref: str
    kind: str
    itemset: str = ""
    value_ref: str = "name"
    choices: tuple[str, ...] = ()


@dataclass
class FormModel:
    """What the server needs of an XForm to check or fill instances, parsed once per version."""

    form_id: str
    version: str
    root_name: str
    template: etree._Element  # the primary instance, namespaces stripped
    binds: dict[str, Bind]
    controls: dict[str, Control]
    inline_instances: dict[str, etree._Element]  # id -> <instance> element (namespaces stripped)
    external_instances: dict[str, str]  # id -> src (jr://file-csv/…)
    default_values: dict[str, str] = field(default_factory=dict)  # odk-instance-first-load setvalues
    date_paths: frozenset[str] = frozenset()
    # Caches filled by Evaluator.choices: which itemsets depend on no answer ("inline": only on the form's own
    # choice lists, "attachment": on a CSV attachment, "": on answers) and the lists of the "inline" ones.
    static_itemsets: dict[str, str] = field(default_factory=dict)
    choice_cache: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_xform(cls, xform: str | bytes) -> FormModel:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        document = etree.fromstring(xform.encode() if isinstance(xform, str) else xform, parser)
        model = document.find(f".//{{{XFORMS}}}model")
        if model is None:
            raise XPathError(_("The XForm has no model."))
        instances = model.findall(f"{{{XFORMS}}}instance")
        primary = _strip(next(iter(instances[0]))) if instances else None
        if primary is None:
            raise XPathError(_("The XForm has no primary instance."))
        inline: dict[str, etree._Element] = {}
        external: dict[str, str] = {}
        for instance in instances[1:]:
            name = instance.get("id", "")
            if instance.get("src"):
                external[name] = instance.get("src", "")
            else:
                inline[name] = _strip(instance)
        binds: dict[str, Bind] = {}
        for bind in model.findall(f"{{{XFORMS}}}bind"):
            path = bind.get("nodeset", "")
            binds[path] = Bind(
                path=path,
                type=bind.get("type", "string"),
                relevant=bind.get("relevant", ""),
                required=bind.get("required", ""),
                constraint=bind.get("constraint", ""),
                calculate=bind.get("calculate", ""),
                readonly=bind.get("readonly", ""),
                preload=bind.get(f"{{{JR}}}preload", ""),
                preload_params=bind.get(f"{{{JR}}}preloadParams", ""),
            )
        defaults = {
            setvalue.get("ref", ""): setvalue.get("value", "")
            for setvalue in document.iter(f"{{{XFORMS}}}setvalue")
            if "odk-instance-first-load" in setvalue.get("event", "") and setvalue.get("value")
        }
        controls: dict[str, Control] = {}
        body = document.find("{http://www.w3.org/1999/xhtml}body")
        for element in body.iter() if body is not None else ():
            ref = element.get("ref")
            if not ref or not isinstance(element.tag, str):
                continue
            kind = etree.QName(element).localname
            if kind not in CONTROL_KINDS:
                continue
            itemset = element.find(f"{{{XFORMS}}}itemset")
            if itemset is not None:
                value = itemset.find(f"{{{XFORMS}}}value")
                controls[ref] = Control(
                    ref, kind, itemset.get("nodeset", ""), value.get("ref", "name") if value is not None else "name"
                )
            else:
                items = tuple(
                    (item.findtext(f"{{{XFORMS}}}value") or "") for item in element.findall(f"{{{XFORMS}}}item")
                )
                controls[ref] = Control(ref, kind, choices=items)
        return cls(
            form_id=primary.get("id", ""),
            version=primary.get("version", ""),
            root_name=primary.tag,
            template=primary,
            binds=binds,
            controls=controls,
            inline_instances=inline,
            external_instances=external,
            default_values=defaults,
            date_paths=frozenset(path for path, bind in binds.items() if bind.type in DATE_TYPES),
        )

    def compile(self, expression: str, path: str) -> etree.XPath:
        return compile_expression(expression, self.date_paths, path in self.date_paths, self.root_name)

    def expressions(self) -> Iterable[tuple[str, str, str]]:
        """Every (path, kind, expression) of the binds, itemsets and default values: for checks and tests."""
        for path, bind in self.binds.items():
            for kind in ("relevant", "required", "constraint", "calculate", "readonly"):
                expression = getattr(bind, kind)
                if expression:
                    yield path, kind, expression
        for ref, control in self.controls.items():
            if control.itemset:
                yield ref, "itemset", control.itemset
        for ref, value in self.default_values.items():
            yield ref, "default", value


def _strip(element: etree._Element) -> etree._Element:
    """A copy without namespaces, as instances are submitted (and as expressions name them)."""
    copy = etree.fromstring(etree.tostring(element))
    for node in copy.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = etree.QName(node).localname
    etree.cleanup_namespaces(copy)
    return copy


def csv_instance(rows: Iterable[Mapping[str, str]]) -> etree._Element:
    """A secondary instance as ODK builds it from a CSV attachment: <instance><root><item><col>…</col>…"""
    instance = etree.Element("instance")
    root = etree.SubElement(instance, "root")
    for row in rows:
        item = etree.SubElement(root, "item")
        for column, value in row.items():
            etree.SubElement(item, column).text = value
    return instance


def path_of(node: etree._Element) -> str:
    parts = []
    current: etree._Element | None = node
    while current is not None:
        parts.append(current.tag)
        current = current.getparent()
    return "/" + "/".join(reversed(parts))
