"""The master facility list: health administration, geography and facilities."""

from rasd.registry.models.duplicates import DuplicateDecision
from rasd.registry.models.facilities import (
    ATTRIBUTE_FIELDS,
    AliasKind,
    Facility,
    FacilityAlias,
    FacilityType,
    FacilityVersion,
    LevelOfCare,
    LocationSource,
    OperationalStatus,
    Ownership,
    Settlement,
    VersionChange,
)
from rasd.registry.models.geography import AdminArea, BoundarySet, PopulationFigure
from rasd.registry.models.health_admin import Authority, Directorate, Sector

__all__ = [
    "ATTRIBUTE_FIELDS",
    "AdminArea",
    "AliasKind",
    "Authority",
    "BoundarySet",
    "Directorate",
    "DuplicateDecision",
    "Facility",
    "FacilityAlias",
    "FacilityType",
    "FacilityVersion",
    "LevelOfCare",
    "LocationSource",
    "OperationalStatus",
    "Ownership",
    "PopulationFigure",
    "Sector",
    "Settlement",
    "VersionChange",
]
