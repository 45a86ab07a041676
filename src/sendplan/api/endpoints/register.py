"""The register of places: settings and their provision strands. It holds no personal data
but is a professionals' tool, so families get 403 (``provision.selectors``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sendplan.accounts.models import User
from sendplan.api.paging import Page, PageQuery, page_of
from sendplan.api.problems import responses
from sendplan.engine import NEEDS, PHASE_KEYS
from sendplan.provision.models import Setting
from sendplan.provision.selectors import RegisterFilter, setting_for_user, setting_list

router = Router(tags=["register of places"])

if TYPE_CHECKING:
    Need: TypeAlias = str
    Phase: TypeAlias = str
    SettingKind: TypeAlias = str
else:
    # The code lists as enums in the document, so a wrong code is a 422 naming the field.
    Need = Literal[tuple(NEEDS)]
    Phase = Literal[tuple(PHASE_KEYS)]
    SettingKind = Literal[tuple(Setting.Kind.values)]


class StrandOut(Schema):
    id: int
    kind: str
    min_age: int
    max_age: int
    needs: list[str] = Field(description="SEN2 need codes the strand is designated for")
    capacity: int = Field(description="places commissioned")
    on_roll: int = Field(description="learners on roll today (ADR 0141)")
    vacancies: int = Field(description="places less roll less places held for proposed amendments")
    annual_cost_per_place: int = Field(description="pounds a year: the fee, or funding + top-up")
    capacity_is_estimate: bool


class SettingOut(Schema):
    id: int
    urn: int | None
    ukprn: int | None
    name: str
    kind: str
    establishment_type: str
    phase_of_education: str
    min_age: int
    max_age: int
    town: str
    postcode: str
    latitude: float | None
    longitude: float | None
    la_code: str
    la_name: str
    in_area: bool
    is_open: bool
    ofsted_rating: str
    modified_at: dt.datetime
    strands: list[StrandOut]


class RegisterQuery(PageQuery):
    need: list[Need] = Field([], description="any of these needs (repeat the parameter)")
    phase: list[Phase] = Field([], description="any of these phases")
    kind: list[SettingKind] = Field([], description="any of these kinds of setting")
    has_vacancies: bool = False
    text: str = Field("", max_length=200, description="part of the name, or the whole URN")


_SETTING_FIELDS = tuple(n for n in SettingOut.model_fields if n not in {"id", "strands"})


def _setting(setting: Setting) -> dict[str, Any]:
    strands = [
        {
            "id": s.pk,
            "kind": s.kind,
            "min_age": s.min_age,
            "max_age": s.max_age,
            "needs": s.need_codes,
            "capacity": s.capacity,
            "on_roll": s.roll,
            "vacancies": s.vacancies,
            "annual_cost_per_place": s.annual_cost_per_place,
            "capacity_is_estimate": s.capacity_is_estimate,
        }
        for s in setting.strands.all()
    ]
    return {n: getattr(setting, n) for n in _SETTING_FIELDS} | {
        "id": setting.pk,
        "strands": strands,
    }


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.get("/settings", response=responses(Page[SettingOut]))
def setting_search(request: HttpRequest, query: Query[RegisterQuery]) -> dict[str, Any]:
    """Open settings on the register, by name, narrowed by need, phase, kind and vacancies
    (need, phase and vacancies must hold for the same strand)."""
    filters = RegisterFilter(
        needs=tuple(query.need),
        phases=tuple(query.phase),
        kinds=tuple(query.kind),
        has_vacancies=query.has_vacancies,
        text=query.text,
    )
    settings, figures = page_of(setting_list(fetched_by=_user(request), filters=filters), query)
    return {**figures, "items": [_setting(s) for s in settings]}


@router.get("/settings/{int:setting_id}", response=responses(SettingOut))
def setting_read(request: HttpRequest, setting_id: int) -> dict[str, Any]:
    """One setting with its strands (closed settings too: placements may point at them)."""
    return _setting(setting_for_user(_user(request), setting_id))
