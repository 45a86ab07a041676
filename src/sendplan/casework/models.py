"""The casework app's models, for Django to load: each lives with its concept (``case``,
``advice``, ``plans``, ``reviews``, ``disputes``, ``family``) and is imported from there.

One Django app holds them all, so the tables, migrations and history keep one label
(``casework``) while the code is organised by the concepts a caseworker would name
(ADR 0115).
"""

from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.case.models import Case, CaseException
from sendplan.casework.disputes.models import Mediation, Tribunal, TribunalOrder
from sendplan.casework.family.models import FamilyComment, FamilyPreference
from sendplan.casework.intake.models import AssessmentRequest
from sendplan.casework.plans.models import (
    Consultation,
    NoProvisionNeeded,
    Plan,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
)
from sendplan.casework.reviews.models import Review, ReviewChange, ReviewInvitation

__all__ = [
    "AdviceRequest",
    "AdviceSection",
    "AssessmentRequest",
    "Case",
    "CaseException",
    "Consultation",
    "FamilyComment",
    "FamilyPreference",
    "Mediation",
    "NoProvisionNeeded",
    "Plan",
    "PlanNeed",
    "PlanOutcome",
    "PlanProvision",
    "PlanVersion",
    "Review",
    "ReviewChange",
    "ReviewInvitation",
    "Tribunal",
    "TribunalOrder",
]
