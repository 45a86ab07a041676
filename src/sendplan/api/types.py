"""Types for what a request's JSON body carries, as strict as the OpenAPI document says.

Pydantic's lax mode reads ``false`` or ``"12"`` as a number and ``0`` as a date, which the
document does not allow (schemathesis finds it: a request the schema calls invalid is
accepted). Its strict mode goes too far the other way for JSON read by ninja: it refuses
``45.0``, which JSON Schema counts as an integer, and an ISO date given as text. These take
what the document promises and nothing else.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator


def _a_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Give a whole number")
    return value


def _a_date(value: Any) -> Any:
    if not isinstance(value, str | dt.date) or isinstance(value, dt.datetime):
        raise ValueError("Give a date as YYYY-MM-DD")
    return value


#: A whole number: a JSON integer (``45``, or ``45.0``), never ``true`` or ``"45"``.
WholeNumber = Annotated[int, BeforeValidator(_a_number)]
#: A date: JSON text as ``YYYY-MM-DD``, never a number.
IsoDate = Annotated[dt.date, BeforeValidator(_a_date)]
