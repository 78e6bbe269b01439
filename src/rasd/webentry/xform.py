"""The XForm handed to ODK Web Forms: a version's XForm in the reader's language, pre-filled with the facility.

ODK Web Forms has no setting for the starting language: it opens in the translation marked `default="true()"`, so
that mark moves to the page's language. Pre-filling writes values into the primary instance, exactly as an XForm
states default answers; the person filling the form can still change them (the pipeline checks the facility).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree

XFORMS = "http://www.w3.org/2002/xforms"
_LANGUAGE_CODE = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\)\s*$")


def translation_code(name: str) -> str:
    """The language code of an XLSForm translation name: "Arabic (ar)" → "ar", "en" → "en"."""
    match = _LANGUAGE_CODE.search(name)
    return (match.group(1) if match else name.strip()).lower()


def _parse(xform: str) -> etree._Element:
    # The XForm is rasd's own (converted and checked at upload), parsed all the same without entities or network.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    return etree.fromstring(xform.encode(), parser)


def _localname(element: etree._Element) -> str:
    return etree.QName(element).localname


def _set_default_language(document: etree._Element, language: str) -> None:
    translations = document.findall(f".//{{{XFORMS}}}itext/{{{XFORMS}}}translation")
    chosen = [item for item in translations if translation_code(item.get("lang", "")) == language]
    if not chosen:
        return  # the form has no such translation: it opens in its own default language
    for item in translations:
        if "default" in item.attrib:
            del item.attrib["default"]
    chosen[0].set("default", "true()")


def _primary_instance(document: etree._Element) -> etree._Element | None:
    instance = document.find(f".//{{{XFORMS}}}model/{{{XFORMS}}}instance")
    if instance is None:
        return None
    return next((child for child in instance if isinstance(child.tag, str)), None)


def _element_at(root: etree._Element, path: str) -> etree._Element | None:
    """The element of the primary instance at a field path such as `/data/identification/facility`."""
    names = [name for name in path.split("/") if name]
    if not names or names[0] != _localname(root):
        return None
    element = root
    for name in names[1:]:
        found = next((child for child in element if isinstance(child.tag, str) and _localname(child) == name), None)
        if found is None:
            return None
        element = found
    return element


def entry_xform(xform: str, language: str, values: Mapping[str, str] | None = None) -> bytes:
    """The XForm opening in `language` (when it has that translation) with the answers `values` (keyed by field
    path) already given. Paths the form does not have are skipped."""
    document = _parse(xform)
    _set_default_language(document, language)
    root = _primary_instance(document)
    if root is not None:
        for path, value in (values or {}).items():
            element = _element_at(root, path)
            if element is not None and len(element) == 0:
                element.text = value
    return etree.tostring(document, encoding="utf-8", xml_declaration=True)
