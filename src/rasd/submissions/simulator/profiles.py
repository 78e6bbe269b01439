"""What a plausible answer looks like for each kind of facility (the distributions of the simulator).

A facility gets a *profile* from its type and level of care (a hospital, a main primary-care centre, a small
primary-care point, a mobile team, or another unit such as a laboratory) and, per instance, a *condition*
(good, strained, damaged). Both shift every distribution below, so that a hospital reports beds, many cadres and
most services, a health house reports few staff, no beds and many services "not normally provided", and a
damaged facility reports damage, partial functioning and more services unavailable, with barriers.
The shares are rough orders of magnitude seen in HeRAMS Iraq, not statistics.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

HOSPITAL, PHC_MAIN, PHC_SMALL, MOBILE, OTHER = "hospital", "phc_main", "phc_small", "mobile", "other"
GOOD, STRAINED, DAMAGED = "good", "strained", "damaged"

PROFILE_BY_TYPE = {
    "hospital": HOSPITAL,
    "specialized-centre": HOSPITAL,
    "phc-main": PHC_MAIN,
    "phc-main-specialized": PHC_MAIN,
    "phc-family-medicine": PHC_MAIN,
    "phc-branch": PHC_SMALL,
    "public-health-clinic": PHC_SMALL,
    "health-house": PHC_SMALL,
    "first-aid-centre": PHC_SMALL,
    "mobile-team": MOBILE,
    "mobile-clinic": MOBILE,
}
CONDITION_WEIGHTS = {GOOD: 70, STRAINED: 22, DAMAGED: 8}


def profile_for(facility_type: str, level_of_care: str) -> str:
    if facility_type in PROFILE_BY_TYPE:
        return PROFILE_BY_TYPE[facility_type]
    return HOSPITAL if level_of_care in ("secondary", "tertiary") else OTHER


def pick(rng: random.Random, weights: dict[str, float], allowed: Sequence[str]) -> str:
    """One of `allowed`, by weight (choices missing from `weights` get a small one, so every answer occurs)."""
    options = list(allowed)
    return rng.choices(options, weights=[weights.get(option, 0.5) for option in options])[0]


# Availability of a service or amenity: available, partially, not available, not normally provided.
AVAILABILITY: dict[str, tuple[float, float, float, float]] = {
    HOSPITAL: (76, 14, 5, 5),
    PHC_MAIN: (58, 16, 8, 18),
    PHC_SMALL: (34, 14, 10, 42),
    MOBILE: (22, 12, 10, 56),
    OTHER: (30, 10, 8, 52),
}
CONDITION_SHIFT: dict[str, tuple[float, float, float, float]] = {
    GOOD: (1.0, 1.0, 1.0, 1.0),
    STRAINED: (0.6, 2.2, 2.0, 1.0),
    DAMAGED: (0.3, 2.5, 5.0, 1.0),
}
AVAILABILITY_CHOICES = ("available", "partially_available", "not_available", "not_normally_provided")
UNAVAILABLE = {"available": 0.0, "partially_available": 0.0, "not_available": 70.0, "not_normally_provided": 30.0}
# Amenities are basic: almost every facility has them, whatever services it provides.
AMENITY_AVAILABILITY = (80, 13, 5, 2)


def availability_weights(profile: str, condition: str, *, amenity: bool = False) -> dict[str, float]:
    base = AMENITY_AVAILABILITY if amenity else AVAILABILITY[profile]
    shift = CONDITION_SHIFT[condition]
    return {choice: b * s for choice, b, s in zip(AVAILABILITY_CHOICES, base, shift, strict=True)}


STATUS: dict[str, dict[str, dict[str, float]]] = {
    "building_damage": {
        GOOD: {"not_damaged": 95, "partially_damaged": 5, "fully_damaged": 0, "not_relevant": 0},
        STRAINED: {"not_damaged": 70, "partially_damaged": 30, "fully_damaged": 0, "not_relevant": 0},
        DAMAGED: {"not_damaged": 0, "partially_damaged": 65, "fully_damaged": 35, "not_relevant": 0},
    },
    "equipment_damage": {
        GOOD: {"not_damaged": 92, "partially_damaged": 8, "fully_damaged": 0},
        STRAINED: {"not_damaged": 55, "partially_damaged": 45, "fully_damaged": 0},
        DAMAGED: {"not_damaged": 5, "partially_damaged": 60, "fully_damaged": 35},
    },
    "functionality": {
        GOOD: {"fully_functioning": 92, "partially_functioning": 8, "not_functioning": 0},
        STRAINED: {"fully_functioning": 20, "partially_functioning": 72, "not_functioning": 8},
        DAMAGED: {"fully_functioning": 0, "partially_functioning": 55, "not_functioning": 45},
    },
    "accessibility": {
        GOOD: {"fully_accessible": 94, "partially_accessible": 6, "not_accessible": 0},
        STRAINED: {"fully_accessible": 60, "partially_accessible": 38, "not_accessible": 2},
        DAMAGED: {"fully_accessible": 25, "partially_accessible": 55, "not_accessible": 20},
    },
    "partner_support": {
        GOOD: {"major_support": 5, "partial_support": 25, "no_support": 70},
        STRAINED: {"major_support": 15, "partial_support": 40, "no_support": 45},
        DAMAGED: {"major_support": 40, "partial_support": 40, "no_support": 20},
    },
}

# Mean head count per cadre (both sexes) and the share of women.
STAFF: dict[str, dict[str, float]] = {
    HOSPITAL: {
        "specialist": 28, "general_practitioner": 34, "family_physician": 1, "dentist": 4, "pharmacist": 9,
        "nurse": 130, "midwife": 16, "medical_assistant": 22, "lab_technician": 16, "radiographer": 9,
        "anaesthesia_technician": 11, "health_statistician": 4,
    },
    PHC_MAIN: {
        "specialist": 0.6, "general_practitioner": 4, "family_physician": 1.5, "dentist": 2, "pharmacist": 2,
        "nurse": 11, "midwife": 3, "medical_assistant": 6, "lab_technician": 3, "radiographer": 0.6,
        "anaesthesia_technician": 0.1, "health_statistician": 1,
    },
    PHC_SMALL: {
        "general_practitioner": 1, "dentist": 0.3, "pharmacist": 0.3, "nurse": 3, "midwife": 1,
        "medical_assistant": 2, "lab_technician": 0.4, "health_statistician": 0.2,
    },
    MOBILE: {"general_practitioner": 1, "nurse": 2, "midwife": 0.4, "medical_assistant": 1},
    OTHER: {
        "specialist": 2, "general_practitioner": 2, "pharmacist": 1, "nurse": 4, "medical_assistant": 3,
        "lab_technician": 8, "health_statistician": 1,
    },
}  # fmt: skip
FEMALE_SHARE = {"nurse": 0.62, "midwife": 0.97, "lab_technician": 0.45, "dentist": 0.5, "pharmacist": 0.55}

# Inpatient beds: chance of having any, and the usual range per ward.
HAS_BEDS = {HOSPITAL: 1.0, PHC_MAIN: 0.08, PHC_SMALL: 0.02, MOBILE: 0.0, OTHER: 0.1}
BEDS: dict[str, dict[str, tuple[int, int]]] = {
    HOSPITAL: {
        "general": (40, 400), "maternity": (10, 80), "paediatric": (10, 80), "icu": (4, 24), "emergency": (8, 40),
    },
    PHC_MAIN: {"general": (2, 10), "maternity": (0, 4), "paediatric": (0, 2), "icu": (0, 0), "emergency": (0, 3)},
}  # fmt: skip
SMALL_BEDS = {"general": (1, 4), "maternity": (0, 2), "paediatric": (0, 0), "icu": (0, 0), "emergency": (0, 1)}
FUNCTIONAL_SHARE = {GOOD: (0.85, 1.0), STRAINED: (0.6, 0.95), DAMAGED: (0.2, 0.7)}


def staff_count(rng: random.Random, profile: str, cadre: str, sex: str, condition: str) -> int:
    mean = STAFF[profile].get(cadre, 0.05)
    if condition != GOOD:
        mean *= 0.75
    female = FEMALE_SHARE.get(cadre, 0.4)
    mean *= female if sex == "female" else 1 - female
    if mean < 1:
        return 1 if rng.random() < mean else 0
    return max(0, min(500, round(rng.gauss(mean, mean * 0.35))))


def beds(rng: random.Random, profile: str, ward: str) -> int:
    low, high = BEDS.get(profile, SMALL_BEDS).get(ward, (0, 0))
    return rng.randint(low, high)


def functional_beds(rng: random.Random, total: int, condition: str) -> int:
    low, high = FUNCTIONAL_SHARE[condition]
    return min(total, round(total * rng.uniform(low, high)))


RESPONDENTS = (
    "علي حسين", "زينب كاظم", "محمد جاسم", "فاطمة عبد الله", "أحمد كريم", "مريم حسن", "حيدر عباس", "نور الهدى سعد",
    "مصطفى علي", "سارة محمود", "ئاراس عومەر", "شیلان ئەحمەد", "كرار صباح", "هدى ناصر", "عمر خالد", "رنا يوسف",
)  # fmt: skip
FUNCTIONS = ("مدير المؤسسة", "مسؤول الإحصاء", "معاون المدير", "مسؤول التمريض", "طبيب مقيم أقدم", "مسؤول الصيدلية")
PARTNERS = ("WHO", "UNICEF", "UNFPA", "IOM", "MSF", "IMC", "IRC", "Save the Children", "الهلال الأحمر العراقي")
CORRECTIONS = ("تغيّر اسم المؤسسة بعد التأهيل.", "المؤسسة تعمل الآن كمركز رئيسي.", "الحالة في القائمة قديمة.")
