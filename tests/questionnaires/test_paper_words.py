"""Skip instructions in words for the common shapes of relevance expressions, and a plain fallback for the others."""

from __future__ import annotations

import pytest

from rasd.questionnaires.models import QuestionnaireField
from rasd.questionnaires.paper.facility import decide, evaluate
from rasd.questionnaires.paper.relevance import parse
from rasd.questionnaires.paper.words import Numbering, skip_instruction

YES_NO = [{"name": "yes", "labels": {"ar": "نعم", "en": "Yes"}}, {"name": "no", "labels": {"ar": "لا", "en": "No"}}]


def numbering() -> Numbering:
    numbers = Numbering()
    numbers.add("1.1", QuestionnaireField(path="/data/a/open", name="open", choices=YES_NO))
    numbers.add("1.2", QuestionnaireField(path="/data/a/beds", name="beds"))
    numbers.add("3.1", QuestionnaireField(path="/data/c/power", name="power", choices=YES_NO))
    # Calculations reading the facility list (facilities.csv): no number, known before the visit.
    numbers.facility_columns = {"/data/id/level_of_care": "level_of_care", "level_of_care": "level_of_care"}
    numbers.facility_columns |= {"/data/id/facility_status": "status", "facility_status": "status"}
    return numbers


@pytest.mark.parametrize(
    ("relevance", "expected"),
    [
        ("${open} = 'yes'", "Answer 9.9 only if the answer to 1.1 is “Yes”."),
        (" /data/a/open  != 'no'", "Answer 9.9 only if the answer to 1.1 is not “No”."),
        ("${beds} >= 10", "Answer 9.9 only if 1.2 is 10 or more."),
        ("5 > ${beds}", "Answer 9.9 only if 1.2 is less than 5."),
        ("${beds} != ''", "Answer 9.9 only if 1.2 is answered."),
        ("not(selected(${power}, 'yes'))", "Answer 9.9 only if “Yes” is not ticked in 3.1."),
        (
            "${open} = 'yes' and (${beds} > 0 or selected( /data/c/power , 'no'))",
            "Answer 9.9 only if the answer to 1.1 is “Yes” and (1.2 is more than 0 or “No” is ticked in 3.1).",
        ),
        (
            "not(${open} = 'yes' and ${beds} < 3)",
            "Answer 9.9 only if it is not the case that (the answer to 1.1 is “Yes” and 1.2 is less than 3).",
        ),
    ],
)
def test_common_shapes_are_put_into_words(relevance: str, expected: str) -> None:
    assert skip_instruction("9.9", relevance, numbering(), "en", section=False) == (expected, "")


def test_an_arabic_instruction_names_the_choices_in_arabic() -> None:
    # The sentence around them is gettext, translated in the catalogues (in English until then).
    text, _expression = skip_instruction("2", "${open} = 'yes' or ${open} = 'no'", numbering(), "ar", section=True)
    assert "نعم" in text and "لا" in text and "Yes" not in text


@pytest.mark.parametrize(
    ("relevance", "expected"),
    [
        ("${level_of_care} != 'primary'", "the facility's level of care is not “Primary”"),
        (
            "/data/id/level_of_care = 'secondary' or ${level_of_care} = 'tertiary'",
            "the facility's level of care is “Secondary” or “Tertiary”",
        ),
        ("${facility_status} = 'open'", "the facility's status is “Open”"),
        (
            "${level_of_care} != 'primary' and ${open} = 'yes'",
            "the facility's level of care is not “Primary” and the answer to 1.1 is “Yes”",
        ),
    ],
)
def test_conditions_on_the_facility_list_are_put_into_words(relevance: str, expected: str) -> None:
    assert skip_instruction("9.9", relevance, numbering(), "en", section=False) == (
        f"Answer 9.9 only if {expected}.",
        "",
    )


@pytest.mark.parametrize(
    ("relevance", "primary", "tertiary"),
    [
        ("${level_of_care} != 'primary'", False, True),
        ("${level_of_care} = 'secondary' or ${level_of_care} = 'tertiary'", False, True),
        ("not(${level_of_care} = 'tertiary') and ${facility_status} = 'open'", True, False),
        ("${level_of_care} != 'primary' and ${open} = 'yes'", None, None),  # an answer decides too
        ("${beds} > 3", None, None),
    ],
)
def test_conditions_on_the_facility_list_are_decided_for_a_facility(
    relevance: str, primary: bool | None, tertiary: bool | None
) -> None:
    columns = numbering().facility_columns
    for level, expected in (("primary", primary), ("tertiary", tertiary)):
        assert evaluate(parse(relevance), columns, {"level_of_care": level, "status": "open"}) is expected
    assert decide({"/data/x": parse(relevance)}, columns, None) == {}  # a blank form decides nothing


@pytest.mark.parametrize("relevance", ["count-selected(${power}) > 1", "${unknown} = 'x'", "${open} = ${power}"])
def test_other_shapes_are_printed_as_written(relevance: str) -> None:
    text, expression = skip_instruction("9.9", relevance, numbering(), "en", section=False)
    assert text == "Answer 9.9 only if the form's condition written below holds."
    assert expression == relevance
