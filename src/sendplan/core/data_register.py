"""The register of personal data: every field about a person, why it is held and on what basis.

One entry per model field that holds personal data about a learner, their family or a
professional: its category (personal or special category), the purpose, the UK GDPR Art 6
basis, for special-category data the Art 9 condition with its DPA 2018 Schedule 1
paragraph, whether that condition needs an Appropriate Policy Document, and the retention
series the field belongs to. It is the source of the DPIA's data inventory and of the
Art 30 record of processing (``sendplan data-register``; ``docs/data-register.md``), and
``tests/core/test_data_register.py`` fails when a model field is in neither this register
nor a not-personal list (ADR 0113).

Every field of the project's own models must be decided by exactly one of these rules:

1. **Registered**: an entry below, on the model, on ``core.Tracked`` (the created/modified
   by of every tracked table) or on :data:`HISTORY` (the columns django-simple-history adds
   to every history table). A history table inherits its base model's entries.
2. **Declared not personal** in :data:`NOT_PERSONAL` (on the model, on ``core.Tracked`` or
   on :data:`HISTORY`): counters, locks, settings and system timestamps.
3. **Recognised by type**: an automatic primary key (and its copy in a history table), or a
   relation to a model that is not in :data:`PEOPLE_AND_PLACES`. Such a relation only ties a
   row to its parent (a mediation to its case, a plan section to its version); the parent's
   fields are registered in their own right. A relation *to* a learner, a user, an
   organisation or a setting says who someone is, who is involved or where a learner is
   educated, so it must be decided like any other field.

The bases and conditions are this project's reading of the law, not legal advice: each
council's data protection officer must confirm them (and the retention periods) before
relying on them (see :data:`DPO_NOTE`).
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from sendplan.core.models import Tracked
from sendplan.engine import safe_row

#: The key for entries that apply to every django-simple-history table.
HISTORY = "*.Historical*"
#: The key for entries that apply to every table built on :class:`core.models.Tracked`.
TRACKED = "core.Tracked"

#: Relations to these say who someone is, who is involved or where a learner is educated.
PEOPLE_AND_PLACES = frozenset(
    {
        "learners.Learner",
        "accounts.User",
        "accounts.Organisation",
        "provision.Setting",
        "provision.ProvisionStrand",
    }
)

DPO_NOTE = (
    "Draft for the data protection officer. The purposes, bases, conditions and retention "
    "series below are this project's reading of UK GDPR, the Data Protection Act 2018 and the "
    "Children and Families Act 2014; each council must confirm them (and its own Appropriate "
    "Policy Document and retention schedule) before relying on them."
)


class Category(enum.StrEnum):
    PERSONAL = "personal"
    #: Health, SEN needs and anything that reveals them (UK GDPR Art 9(1)).
    SPECIAL = "special_category"


@dataclass(frozen=True)
class Condition:
    """An Art 9 condition with the DPA 2018 Schedule 1 paragraph that meets it."""

    text: str
    #: Schedule 1 Part 2 conditions (and some in Part 1) need an Appropriate Policy Document.
    needs_policy_document: bool


#: The council's SEN functions are statutory functions in the substantial public interest.
STATUTORY_PURPOSES = Condition(
    "Art 9(2)(g) substantial public interest; DPA 2018 Sch 1 para 6 "
    "(statutory and government purposes)",
    needs_policy_document=True,  # a Schedule 1 Part 2 condition
)

PUBLIC_TASK = "Art 6(1)(e) public task"
LEGAL_OBLIGATION = "Art 6(1)(c) legal obligation"

# Retention series (labels only: the periods are set per LA, and the purge is separate).
SEN_FILE = "SEN file: date of birth + 31 years (IRMS toolkit), configurable per LA"
ACCESS_LOG = "Access audit log: period set by the LA (no statutory period; DPO to confirm)"
USER_ACCOUNT = "User account: while the account is in use, then a period set by the LA"
AS_RECORD = "As the record it is part of"
PLANNING = (
    "Planning run: until the LA deletes the run; stored inputs pruned after "
    "SENDPLAN_PLANNING_INPUTS_RETENTION_DAYS"
)


@dataclass(frozen=True)
class Purpose:
    """Why a group of fields is held, on which Art 6 basis, and (if special) which Art 9
    condition; shared by many entries so each reason is written once."""

    name: str
    text: str
    article_6: str
    retention: str
    condition: Condition | None = None


EHC = Purpose(
    "EHC assessment and plan",
    "Carry out the EHC needs assessment and make, maintain and review the plan "
    "(Children and Families Act 2014, Part 3; SEND Regulations 2014)",
    PUBLIC_TASK,
    SEN_FILE,
    STATUTORY_PURPOSES,
)
PLAN_CONTENTS = Purpose(
    "EHC plan contents",
    "Keep the plan's sections A to K as issued and amended, which the Act requires the LA "
    "to maintain (CFA 2014 s37; SEND Regulations 2014 reg 12)",
    LEGAL_OBLIGATION,
    SEN_FILE,
    STATUTORY_PURPOSES,
)
ADVICE = Purpose(
    "Advice for the assessment",
    "Seek and keep the educational, health, social care and psychological advice the "
    "assessment needs (SEND Regulations 2014 regs 6 and 8)",
    PUBLIC_TASK,
    SEN_FILE,
    STATUTORY_PURPOSES,
)
DISPUTES = Purpose(
    "Mediation and appeals",
    "Arrange mediation and answer appeals to the First-tier Tribunal (SEND) "
    "(CFA 2014 ss51 to 55; SEND Regulations 2014 Part 6)",
    PUBLIC_TASK,
    SEN_FILE,
    STATUTORY_PURPOSES,
)
TRIBUNAL_ORDERS = Purpose(
    "Tribunal orders",
    "Comply with the Tribunal's orders within their time limits (SEND Regulations 2014 "
    "regs 44 and 45)",
    LEGAL_OBLIGATION,
    SEN_FILE,
    STATUTORY_PURPOSES,
)
STATUTORY_RETURN = Purpose(
    "Statutory return and inspection",
    "Make the person-level SEN2 return DfE collects from every LA each January, and the "
    "list of children with plans the area SEND inspection asks for (ADR 0128)",
    LEGAL_OBLIGATION,
    SEN_FILE,
    STATUTORY_PURPOSES,
)
IDENTITY = Purpose(
    "Identify the learner",
    "Know who the learner is and match the record with education, health and care records "
    "(UPN, ULN, NHS number) so the right child's plan is kept",
    PUBLIC_TASK,
    SEN_FILE,
)
HOME = Purpose(
    "Where the learner lives",
    "Plan placements and travel from home, and keep local provision under review "
    "(CFA 2014 s27; Education Act 1996 s508B)",
    PUBLIC_TASK,
    SEN_FILE,
)
INVOLVED = Purpose(
    "Who is involved",
    "Know which services and practitioners work with the learner, to seek advice, give "
    "them access and co-operate (CFA 2014 ss25, 28 and 31)",
    PUBLIC_TASK,
    SEN_FILE,
    STATUTORY_PURPOSES,
)
PLACEMENT = Purpose(
    "Placement",
    "Record where the learner is educated and consult settings before naming one "
    "(CFA 2014 ss39, 40 and 43)",
    PUBLIC_TASK,
    SEN_FILE,
    STATUTORY_PURPOSES,
)
EXCLUSIONS_AND_HOME_EDUCATION = Purpose(
    "Exclusions and home education",
    "Know when a learner is suspended, permanently excluded or educated at home, so the "
    "council can arrange education (Education Act 1996 s19), review the plan, follow up "
    "home education (s436A) and answer the area SEND inspection (ADR 0145)",
    PUBLIC_TASK,
    SEN_FILE,
    STATUTORY_PURPOSES,
)
SHARING = Purpose(
    "Sharing for the assessment and plan",
    "Record that the family were told the record is shared with health, social care and "
    "settings for the statutory assessment and plan, and any objection, which the LA must "
    "answer (UK GDPR Arts 13, 21); this sharing rests on the LA's duties, not on consent",
    PUBLIC_TASK,
    SEN_FILE,
)
CONSENT_TO_SHARE = Purpose(
    "Consent to share outside the statutory process",
    "Record the family's consent, and its withdrawal, before the record is shared with an "
    "organisation outside the assessment and plan (SEND Regulations 2014 reg 17); access "
    "on that basis stands only while the consent does",
    PUBLIC_TASK,
    SEN_FILE,
)
DOCUMENTS = Purpose(
    "Documents",
    "Keep the evidence, advice, letters, signed plans and review reports the assessment, "
    "the plan and its reviews rest on (CFA 2014 Part 3; SEND Regulations 2014 regs 6, 8 "
    "and 20)",
    PUBLIC_TASK,
    SEN_FILE,
    STATUTORY_PURPOSES,
)
PLANNING_PROPOSALS = Purpose(
    "Placement planning",
    "Propose placements across the area for a named officer to decide, and keep local "
    "provision under review (CFA 2014 s27)",
    PUBLIC_TASK,
    PLANNING,
    STATUTORY_PURPOSES,
)
ACCESS_AUDIT = Purpose(
    "Audit of reads",
    "Record who read or exported a learner's record, to secure it and investigate breaches "
    "(UK GDPR Arts 5(1)(f), 32 and 33)",
    LEGAL_OBLIGATION,
    ACCESS_LOG,
)
CHANGE_TRAIL = Purpose(
    "Who changed what",
    "Record which user created or changed a record, or asked for a run, and when, so "
    "decisions can be accounted for (UK GDPR Art 5(2))",
    PUBLIC_TASK,
    AS_RECORD,
)
ACCOUNTS = Purpose(
    "Users and sign-in",
    "Let professionals and families sign in securely and see only what their role allows "
    "(UK GDPR Art 32)",
    PUBLIC_TASK,
    USER_ACCOUNT,
)


@dataclass(frozen=True)
class Entry:
    """One field that holds personal data. ``model`` is an app label and model name,
    :data:`TRACKED` or :data:`HISTORY`."""

    model: str
    field: str
    category: Category
    purpose: Purpose

    @property
    def article_9(self) -> str:
        """The Art 9 condition (special-category entries only)."""
        if self.category is Category.SPECIAL and self.purpose.condition:
            return self.purpose.condition.text
        return ""

    @property
    def needs_policy_document(self) -> bool:
        return bool(self.article_9) and bool(self.purpose.condition.needs_policy_document)  # type: ignore[union-attr]


def fields(model: str, names: str, category: Category, purpose: Purpose) -> list[Entry]:
    """Entries for several fields of one model, named in one whitespace-separated string."""
    return [Entry(model, name, category, purpose) for name in names.split()]


P = Category.PERSONAL
S = Category.SPECIAL

REGISTER: tuple[Entry, ...] = (
    # Every table: who created and changed each row; every history table: who changed it.
    *fields(TRACKED, "created_by modified_by", P, CHANGE_TRAIL),
    *fields(HISTORY, "history_user history_date history_change_reason", P, CHANGE_TRAIL),
    # The learner record.
    *fields(
        "learners.Learner",
        "upn uln nhs_number given_name family_name date_of_birth sex responsible_la",
        P,
        IDENTITY,
    ),
    *fields("learners.Learner", "archived_at archived_reason provisional", P, IDENTITY),
    *fields("learners.Learner", "postcode lsoa_code latitude longitude", P, HOME),
    *fields("learners.Learner", "upn_unknown social_care", P, STATUTORY_RETURN),
    *fields("learners.Learner", "ethnicity", S, STATUTORY_RETURN),
    *fields("learners.Need", "learner code rank description", S, EHC),
    *fields(
        "learners.Involvement",
        "learner kind organisation user reason basis started_on ended_on",
        S,
        INVOLVED,
    ),
    *fields("learners.SharingNotice", "learner purpose told told_on objected_on", P, SHARING),
    *fields(
        "learners.ConsentToShare",
        "learner organisation given_by given_on withdrawn_on",
        P,
        CONSENT_TO_SHARE,
    ),
    *fields("learners.Placement", "learner setting strand started_on ended_on", S, PLACEMENT),
    *fields("learners.Placement", "decided_by", P, PLACEMENT),
    *fields(
        "learners.Placement",
        "agreed_top_up agreed_fee transport_cost health_contribution social_care_contribution",
        S,
        PLACEMENT,
    ),
    *fields(
        "learners.Exclusion",
        "learner kind started_on school_days setting reason",
        P,
        EXCLUSIONS_AND_HOME_EDUCATION,
    ),
    *fields(
        "learners.HomeEducation",
        "learner started_on ended_on notified_on",
        P,
        EXCLUSIONS_AND_HOME_EDUCATION,
    ),
    *fields(
        "learners.AuditEvent",
        "at user action learner detail user_name session address",
        P,
        ACCESS_AUDIT,
    ),
    # Users and organisations (a family's organisation is named for the family).
    *fields(
        "accounts.User",
        "username first_name last_name email password last_login date_joined",
        P,
        ACCOUNTS,
    ),
    *fields("accounts.Organisation", "name", P, ACCOUNTS),
    *fields("accounts.Membership", "user organisation role started_on ended_on", P, ACCOUNTS),
    *fields(
        "accounts.EnrolmentLink",
        "user token_digest issued_at expires_at issued_by used_at",
        P,
        ACCOUNTS,
    ),
    # Tokens for other systems (ADR 0129): whose they are, what for, and when used.
    *fields("api.ApiToken", "user name created_at expires_at revoked_at last_used_at", P, ACCOUNTS),
    # The EHC process: that a request, an assessment or a plan exists reveals SEN.
    *fields(
        "casework.Case",
        "learner received_on source requested_by caseworker stage decision_on assess "
        "decision_reasons rights_given draft_issued_on draft_comments_received_on "
        "final_issued_on not_to_issue_on not_to_issue_reasons closed_on closed_reason",
        S,
        EHC,
    ),
    *fields(
        "casework.CaseException",
        "key reason evidence starts_on ends_on family_told_on",
        S,
        EHC,
    ),
    *fields(
        "casework.AdviceRequest",
        "kind organisation practitioner requested_on due_on received_on summary "
        "draft draft_saved_at draft_saved_by",
        S,
        ADVICE,
    ),
    *fields("casework.AdviceSection", "section text", S, ADVICE),
    # Who at the organisation asked writes the advice: staff, not the learner.
    *fields("casework.AdviceRequest", "assigned_to assigned_on assigned_by", P, ADVICE),
    *fields(
        "casework.Consultation",
        "setting sent_on response_due_on responded_on response reasons involvement",
        S,
        PLACEMENT,
    ),
    *fields("casework.FamilyComment", "given_on text finished", S, EHC),
    # A request for an assessment as it was made (the front door): the child as described,
    # who asked and in their words why.
    *fields(
        "casework.AssessmentRequest",
        "channel case requester requester_organisation given_name family_name date_of_birth "
        "postcode school upn needs tried family_aware family_not_told_why status "
        "confirmed_at confirmed_by merged",
        S,
        EHC,
    ),
    *fields("casework.FamilyPreference", "case setting setting_type reason given_on", S, PLACEMENT),
    *fields(
        "casework.Mediation",
        "about adviser_contacted_on family_choice family_choice_on certificate_on "
        "mediation_on outcome notes",
        S,
        DISPUTES,
    ),
    *fields("casework.Tribunal", "about registered_on hearing_on outcome decided_on", S, DISPUTES),
    *fields(
        "casework.TribunalOrder", "kind description made_on due_on complied_on", S, TRIBUNAL_ORDERS
    ),
    *fields(
        "casework.Plan",
        "learner status issued_on cease_decided_on ceased_on cease_reason cease_detail",
        S,
        PLAN_CONTENTS,
    ),
    *fields(
        "casework.PlanVersion",
        "status purpose issued_on views interests aspirations family_views family_interests "
        "family_aspirations placement_setting placement_type placement_strand placement_from "
        "amendment_reason placement_explanation proposed_on personal_budget_amount personal_budget_arrangements",
        S,
        PLAN_CONTENTS,
    ),
    *fields("casework.PlanNeed", "section text", S, PLAN_CONTENTS),
    *fields("casework.PlanOutcome", "text preparing_for_adulthood", S, PLAN_CONTENTS),
    *fields("casework.NoProvisionNeeded", "version section reason", S, PLAN_CONTENTS),
    *fields(
        "casework.PlanProvision",
        "section what how_much how_often delivered_by delivered_by_organisation",
        S,
        PLAN_CONTENTS,
    ),
    # The delivery log (ADR 0135): what of the plan's provision was delivered to the learner,
    # what was missed and why (absence, health), by whom: part of the plan's record.
    *fields(
        "delivery.Commitment",
        "learner section responsible organisation setting minutes_per_session sessions period "
        "quantified started_on ended_on",
        S,
        PLAN_CONTENTS,
    ),
    *fields(
        "delivery.DeliveryEntry",
        "week_starting due expected_minutes delivered_minutes missed_minutes missed_reason note",
        S,
        PLAN_CONTENTS,
    ),
    *fields(
        "casework.Review",
        "due_on meeting_on invitations_sent_on report_due_on report_received_on "
        "decision_due_on decision decided_on decision_reasons amendment_proposed_on "
        "amended_plan_due_on amended_plan_issued_on preparing_for_adulthood transfer "
        "transfer_year transfer_date transfer_due_on advice_requested_on advice_from "
        "advice_circulated_on "
        "views_gathered_on views_how views_helped_by views_words report_summary "
        "report_recommendation",
        S,
        EHC,
    ),
    *fields("casework.ReviewInvitation", "review involvement sent_on", S, EHC),
    *fields(
        "casework.ReviewChange",
        "review section action need outcome provision text what how_much how_often "
        "delivered_by reason answer answered_on",
        S,
        EHC,
    ),
    # The pathway to adulthood: progress at reviews, destinations, adult care and health.
    *fields(
        "pathway.AdulthoodProgress",
        "review employment_progress employment_note independent_living_progress "
        "independent_living_note community_progress community_note health_progress "
        "health_note",
        S,
        EHC,
    ),
    *fields(
        "pathway.Destination",
        "learner stage planned_kind planned_setting actual_kind actual_setting actual_from note",
        S,
        EHC,
    ),
    *fields(
        "pathway.Transition",
        "learner likely_needs_adult_care care_act_requested_on care_act_completed_on "
        "health_transition adult_health_from adult_health_lead",
        S,
        EHC,
    ),
    # Documents kept about a learner: that they exist, their kind and title reveal SEN.
    *fields(
        "documents.Document",
        "learner kind title original_filename uploaded_by uploaded_at",
        S,
        DOCUMENTS,
    ),
    # Evidence held with a request not yet sent: its name may say what it is about.
    *fields("documents.HeldFile", "original_filename uploaded_by uploaded_at", S, DOCUMENTS),
    # Placement planning: proposals name a learner with their need and where they live.
    *fields(
        "planning.Proposal",
        "learner need age phase reason_in_cohort ward_code ward_name lsoa_code "
        "current_strand current_setting_name current_cost proposed_strand proposed_setting "
        "placed proposed_setting_name proposed_kind km place_cost proposed_cost decision "
        "decision_reason decided_by decided_at starts_on amendment",
        S,
        PLANNING_PROPOSALS,
    ),
    *fields("planning.PlanningRunInputs", "data", S, PLANNING_PROPOSALS),
    *fields("planning.PlanningRunInputsLearner", "learner_id", P, PLANNING_PROPOSALS),
    *fields("planning.PlanningRun", "requested_by", P, CHANGE_TRAIL),
    *fields("sufficiency.ForecastRun", "requested_by", P, CHANGE_TRAIL),
)


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Fields that hold no personal data, per model: counters, locks, settings, system times,
#: and facts about places and money rather than people.
NOT_PERSONAL: dict[str, frozenset[str]] = {
    TRACKED: _names("created_at modified_at"),  # when a row changed; who is registered
    HISTORY: _names("history_type"),  # +, ~ or -
    "learners.Learner": _names("lock"),
    "learners.Exclusion": _names("lock"),
    "learners.HomeEducation": _names("lock"),
    # Only ever present inside a deliberate deletion of audit events: why, and when.
    "learners.AuditPurge": _names("reason at"),
    "accounts.User": _names("is_superuser is_staff is_active"),
    "accounts.Organisation": _names("kind code"),
    # A token's public id and the digest of its secret: random, about no one.
    "api.ApiToken": _names("public_id digest"),
    # Schools and colleges: public facts about institutions (GIAS), not about people.
    "provision.Setting": _names(
        "urn ukprn name kind establishment_type phase_of_education min_age max_age street "
        "town postcode latitude longitude la_code la_name in_area is_open ofsted_rating "
        "school_capacity pupils_on_roll source source_note sen2_code post16_offer organisation lock"
    ),
    "provision.ProvisionStrand": _names(
        "setting kind min_age max_age capacity on_roll place_funding top_up annual_fee "
        "cost_is_default capacity_is_estimate note converted_from converted_at lock"
    ),
    "provision.StrandDesignation": _names("strand need"),
    # Local services (ADR 0147): public facts about a service; its contacts are the
    # service's own (a team inbox, a switchboard), never a person's.
    "provision.LocalService": _names(
        "name organisation kind description min_age max_age needs access access_note email "
        "phone website area_served based_at active lock"
    ),
    "casework.Case": _names("lock"),
    "casework.AssessmentRequest": _names("reference"),  # random, says nothing of anyone
    "documents.HeldFile": _names("batch content_type size sha256 storage_name"),
    # A document's random ids, what its content is, its size and digest, and the scan.
    "documents.Document": _names(
        "public_id content_type size sha256 storage_name scan_status scanned_at"
    ),
    "casework.TribunalOrder": _names("due_rule"),  # the engine rule's key
    "casework.PlanVersion": _names("number lock"),
    # Which advice section a row's words came from: a link, the words are registered there.
    "casework.PlanNeed": _names("position source"),
    "casework.PlanOutcome": _names("position source"),
    "casework.PlanProvision": _names("position source"),
    "casework.Review": _names("amended_plan_due_rule lock"),
    "delivery.Commitment": _names("lock"),
    "delivery.DeliveryEntry": _names("lock"),
    # Minutes summed over many learners, by council, week, provider and setting.
    "delivery.WeeklyTotal": _names(
        "la week_starting section responsible organisation setting expected_minutes "
        "delivered_minutes entries"
    ),  # the engine rule's key; the lock
    "casework.Mediation": _names("lock"),
    "pathway.AdulthoodProgress": _names("lock"),
    "pathway.Destination": _names("lock"),
    "pathway.Transition": _names("lock"),
    "casework.Tribunal": _names("lock"),
    "casework.AdviceRequest": _names("lock"),
    "planning.AreaPlanningSettings": _names(
        "la cost_per_km unplaced_cost max_km new_plan_months independent_review lock"
    ),
    # A run's cohort is a definition (ages, needs), its summary and figures are aggregates.
    "planning.PlanningRun": _names(
        "la status progress progress_text message started_at finished_at attempts queued_at "
        "cohort parameters what_if register_hash summary"
    ),
    "planning.PlanningRunInputs": _names("format learners places learners_erased"),
    # Where the area could add places: schools, sites and money, not people.
    "planning.CandidateSite": _names(
        "la name kind host_setting host_strand latitude longitude lsoa_code needs min_age "
        "max_age block_places max_blocks capital_per_block annual_cost_per_place note is_active "
        "lock"
    ),
    "sufficiency.Assumptions": _names(
        "la_code place_funding_special place_funding_unit top_up_mainstream top_up_resourced "
        "top_up_special top_up_fe independent_fee other_cost transport_per_learner "
        "growth_override_pct use_register_costs central_uplift_pct lock"
    ),
    "sufficiency.NewProvision": _names(
        "la_code name kind need phase places opens_year cost_per_place"
    ),
    "sufficiency.Scenario": _names(
        "la_code name description special_places resourced_places independent_reduction_pct "
        "growth_pct start_year need phase combines lock"
    ),
    "sufficiency.HighNeedsBudget": _names(
        "la_code financial_year amount deficit_brought_forward lock"
    ),
    "sufficiency.CentralSpend": _names("la_code financial_year line partner amount actual lock"),
    # Forecasts work from published, aggregate caseloads.
    "sufficiency.ForecastRun": _names(
        "la_code status progress message created_at started_at finished_at attempts queued_at "
        "seed simulations horizon inputs fingerprint outputs"
    ),
}


# --- Looking fields up ---------------------------------------------------------------


def project_models() -> list[type[models.Model]]:
    """Every concrete model of the project's own apps, history tables included."""
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("sendplan.")
        for model in config.get_models()
    ]


def model_fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    """The model's columns and its forward many-to-many fields (not reverse relations)."""
    return [*model._meta.fields, *model._meta.many_to_many]


def base_model(model: type[models.Model]) -> type[models.Model]:
    """The model a history table records (django-simple-history sets ``instance_type``)."""
    return getattr(model, "instance_type", model)


def is_history(model: type[models.Model]) -> bool:
    """A history table with the history columns (who, when, what kind of change); the
    history of a many-to-many field records only links to rows registered elsewhere."""
    base = base_model(model)
    return base is not model and not base._meta.auto_created


def keys_for(model: type[models.Model]) -> list[str]:
    """The register keys whose entries apply to ``model``, most specific first."""
    base = base_model(model)
    keys = [base._meta.label]
    if issubclass(base, Tracked):
        keys.append(TRACKED)
    if is_history(model):
        keys.append(HISTORY)
    return keys


def _by_key() -> dict[tuple[str, str], Entry]:
    return {(entry.model, entry.field): entry for entry in REGISTER}


def _recognised(model: type[models.Model], field: models.Field) -> str | None:  # type: ignore[type-arg]
    if field.primary_key and isinstance(field, models.AutoField):
        return "automatic primary key"
    if base_model(model) is not model and field.name == base_model(model)._meta.pk.name:
        return "copy of the recorded row's primary key"
    if field.is_relation and field.related_model is not None:
        target = field.related_model._meta.label  # type: ignore[union-attr]
        if target not in PEOPLE_AND_PLACES:
            return f"link to {target}, whose own fields are registered"
    return None


def decide(model: type[models.Model], field: models.Field) -> Entry | str | None:  # type: ignore[type-arg]
    """The entry for a field, the reason it is not personal, or None if undecided."""
    by_key = _by_key()
    for key in keys_for(model):
        if (key, field.name) in by_key:
            return by_key[(key, field.name)]
        if field.name in NOT_PERSONAL.get(key, ()):
            return "declared not personal"
    return _recognised(model, field)


# --- Export -----------------------------------------------------------------------------

COLUMNS = (
    "model",
    "field",
    "category",
    "purpose",
    "art_6_basis",
    "art_9_condition",
    "appropriate_policy_document",
    "retention",
)


def _model_label(key: str) -> str:
    if key == TRACKED:
        return "every tracked table (core.Tracked)"
    if key == HISTORY:
        return "every history table (django-simple-history)"
    return key


def rows(entries: Iterable[Entry] = REGISTER) -> list[tuple[str, ...]]:
    """The register as rows of :data:`COLUMNS`, in the order declared."""
    return [
        (
            _model_label(e.model),
            e.field,
            str(e.category),
            e.purpose.text,
            e.purpose.article_6,
            e.article_9,
            "yes" if e.needs_policy_document else "no",
            e.purpose.retention,
        )
        for e in entries
    ]


def as_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    # Opened in a spreadsheet for the DPIA: no cell may read as a formula.
    writer.writerows(safe_row(list(row)) for row in rows())
    return out.getvalue()


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "–"


def as_markdown() -> str:
    """The register for people: the purposes once, then the fields grouped by model."""
    purposes = list(dict.fromkeys(e.purpose for e in REGISTER))
    lines = [
        "# Register of personal data",
        "",
        "Generated from `src/sendplan/core/data_register.py` by "
        "`sendplan data-register --format markdown`; do not edit by hand (a test fails when "
        "this file differs from the register). See ADR 0113.",
        "",
        f"> {DPO_NOTE}",
        "",
        "History tables (django-simple-history) hold the same fields as the table they "
        "record, with the same entries. Relations to case records, ids, counters and system "
        "timestamps are not listed; the module's docstring gives the rules.",
        "",
        "## Purposes",
        "",
        "| Purpose | What for | Art 6 basis | Art 9 condition (special category fields) "
        "| Appropriate Policy Document | Retention series |",
        "|---|---|---|---|---|---|",
    ]
    for p in purposes:
        condition = p.condition.text if p.condition else ""
        apd = ("yes" if p.condition.needs_policy_document else "no") if p.condition else "–"
        lines.append(
            f"| {_cell(p.name)} | {_cell(p.text)} | {_cell(p.article_6)} | {_cell(condition)} "
            f"| {apd} | {_cell(p.retention)} |"
        )
    lines += ["", "## Fields", ""]
    models_in_order = list(dict.fromkeys(e.model for e in REGISTER))
    for key in models_in_order:
        lines += [
            f"### {_model_label(key)}",
            "",
            "| Field | Category | Purpose |",
            "|---|---|---|",
        ]
        lines += [
            f"| `{e.field}` | {e.category} | {_cell(e.purpose.name)} |"
            for e in REGISTER
            if e.model == key
        ]
        lines.append("")
    return "\n".join(lines)
