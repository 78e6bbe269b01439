"""The `rasd::role` column: what a field means to rasd, independent of its name in one questionnaire version.

Grammar: `kind`, `kind:arg` or `kind:arg:arg`. The vocabulary is fixed here; arguments that name a pillar, a
category, a cadre, a domain or a service are lower-case codes. docs/questionnaires.md lists every role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

STATUS_PILLARS = ("building_damage", "equipment_damage", "functionality", "accessibility", "partner_support")
REQUIRED_ROLES = ("facility_code", *(f"status:{pillar}" for pillar in STATUS_PILLARS))
AVAILABILITY_CHOICES = ("available", "partially_available", "not_available", "not_normally_provided")
BARRIER_CHOICES = ("staff", "training", "supplies", "equipment", "finances")

CODE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
ANY_CODE = "<code>"

# kind -> the allowed values of each argument (ANY_CODE: any lower-case code).
VOCABULARY: dict[str, tuple[tuple[str, ...], ...]] = {
    "facility_code": (),
    "facility_confirmed": (),
    "gps": (),
    "status": (STATUS_PILLARS,),
    "status_causes": (STATUS_PILLARS,),
    "amenity": ((ANY_CODE,),),
    "beds": ((ANY_CODE,),),
    "beds_functional": ((ANY_CODE,),),
    "staff": ((ANY_CODE,), ("female", "male")),
    # Of the staff of a cadre (`staff`), how many were on duty at the visit: same shape, so the two pair per cadre.
    "staff_on_duty": ((ANY_CODE,), ("female", "male")),
    "staff_available": ((ANY_CODE,),),
    "service": ((ANY_CODE,), (ANY_CODE,)),
    "barriers": ((ANY_CODE,), (ANY_CODE,)),
}


def role_problem(role: str) -> str | None:
    """Why `role` is not a valid role, or None when it is."""
    kind, *args = role.split(":")
    expected = VOCABULARY.get(kind)
    if expected is None:
        return _("unknown role kind “%(kind)s”") % {"kind": kind}
    if len(args) != len(expected):
        return _("role “%(role)s” needs %(count)d part(s) after “%(kind)s”") % {
            "role": role,
            "count": len(expected),
            "kind": kind,
        }
    for arg, allowed in zip(args, expected, strict=True):
        if allowed == (ANY_CODE,):
            if not CODE.match(arg):
                return _("“%(arg)s” in role “%(role)s” is not a lower-case code") % {"arg": arg, "role": role}
        elif arg not in allowed:
            return _("“%(arg)s” in role “%(role)s” must be one of: %(allowed)s") % {
                "arg": arg,
                "role": role,
                "allowed": ", ".join(allowed),
            }
    return None


def missing_required_roles(roles: Iterable[str]) -> list[str]:
    present = set(roles)
    return [role for role in REQUIRED_ROLES if role not in present]
