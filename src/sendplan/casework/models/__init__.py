"""Casework models, split by concept; import them from here."""

from sendplan.casework.models.advice import AdviceRequest, AdviceSection, Consultation
from sendplan.casework.models.appeal import Appealable, Mediation, Tribunal, TribunalOrder
from sendplan.casework.models.case import (
    OPEN_STAGES,
    TERMINAL_STAGES,
    Case,
    CaseException,
    Stage,
)
from sendplan.casework.models.family import FamilyComment
from sendplan.casework.models.plan import (
    CeaseReason,
    Plan,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
)
from sendplan.casework.models.review import Review
from sendplan.casework.models.sections import NEED_SECTIONS, PROVISION_SECTIONS, Section

__all__ = [
    "NEED_SECTIONS",
    "OPEN_STAGES",
    "PROVISION_SECTIONS",
    "TERMINAL_STAGES",
    "AdviceRequest",
    "AdviceSection",
    "Appealable",
    "Case",
    "CaseException",
    "CeaseReason",
    "Consultation",
    "FamilyComment",
    "Mediation",
    "Plan",
    "PlanNeed",
    "PlanOutcome",
    "PlanProvision",
    "PlanVersion",
    "Review",
    "Section",
    "Stage",
    "Tribunal",
    "TribunalOrder",
]
