"""A subject access request (SAR) export: every record the system keeps about one learner.

Complete by construction (ADR 0111): which models go in is not a hand list. :func:`sar_models`
walks Django's model graph from :class:`~sendplan.learners.models.Learner` — every model
with a foreign key or one-to-one to a model already included (reverse relations, hidden
ones too, so django-simple-history's history tables are found), the history table of
every model included, and any plain-number column named ``<model>_id`` (such as the
planning runs' index of stored learners). A model added later with a key to any of these
is exported without a change here; the only hand list is :data:`EXCLUDED`, of models that
must never go in, each with its reason.

:func:`sar_collect` (the selector) gathers the rows; :func:`sar_export` writes the zip
atomically and audits it. The bundle is for the person who asked: a person still reviews
it for other people's information and exemptions before it is sent.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import decimal
import json
import shutil
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from sendplan.accounts.access import LA_ROLES, standing_for
from sendplan.accounts.models import Membership, User
from sendplan.documents.checks import download_name
from sendplan.documents.models import Document
from sendplan.documents.services import documents_storage
from sendplan.engine import add_months, add_working_days
from sendplan.files import atomic_files
from sendplan.learners.models import AuditEvent, Learner
from sendplan.learners.services import audit_record
from sendplan.planning.models import PlanningRunInputs
from sendplan.planning.snapshot import load_inputs

#: Models the walk must never export, and why. The walk also stops at them, so nothing
#: reached only through one of them is exported either. Labels are ``app_label.ModelName``.
EXCLUDED: dict[str, str] = {
    # People who did things appear in people.json by name, role and organisation only:
    # never their password hash, username, e-mail address or sign-in times.
    "accounts.User": "staff and family accounts: password hashes and sign-in data",
    # Secrets that let someone sign in as a user; not information about the learner.
    "otp_totp.TOTPDevice": "authenticator app secrets of users",
    "otp_static.StaticDevice": "recovery code sets of users",
    "otp_static.StaticToken": "recovery codes of users",
    "accounts.EnrolmentLink": "one-time links to set up an authenticator app",
    "sessions.Session": "sign-in sessions",
    # Sign-in attempts, kept against guessing passwords: about users, not the learner.
    "axes.AccessAttempt": "failed sign-in attempts",
    "axes.AccessAttemptExpiration": "failed sign-in attempts",
    "axes.AccessLog": "sign-in log",
    "axes.AccessFailureLog": "failed sign-in log",
}

#: The one-calendar-month limit to reply (UK GDPR Art 12(3); ICO right of access guidance).
REPLY_MONTHS = 1


class SubjectAccessError(Exception):
    """A request the export refuses; ``exit_code`` is the command's exit status."""

    exit_code = 1


class LearnerNotFound(SubjectAccessError):
    pass


class RequesterRefused(SubjectAccessError):
    pass


class FolderMissing(SubjectAccessError):
    exit_code = 2


@dataclass(frozen=True)
class Link:
    """``child`` rows belong to the learner when ``child.<lookup>`` is the pk of a ``parent``
    row that does."""

    child: type[models.Model]
    parent: type[models.Model]
    lookup: str
    how: str  # "key", "history" or "plain number"


@dataclass(frozen=True)
class Table:
    """One file of the bundle."""

    model: type[models.Model]
    filename: str
    description: str
    rows: list[dict[str, Any]]


@dataclass
class Collected:
    learner_id: int
    tables: list[Table]
    people: list[dict[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Exported:
    path: Path
    files: int
    rows: int
    counts: dict[str, int]
    received_on: dt.date
    reply_by: dt.date


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    if not hasattr(model._meta, "simple_history_manager_attribute"):
        return None
    history: type[models.Model] = get_history_model_for_model(model)
    return history


def _is_history(model: type[models.Model]) -> bool:
    return hasattr(model, "instance_type")


def sar_models(root: type[models.Model] = Learner) -> tuple[list[type[models.Model]], list[Link]]:
    """The models holding records about a learner, and how each row is tied to one.

    Breadth first from ``root``; models in :data:`EXCLUDED` are neither returned nor walked
    through.
    """
    everything = apps.get_models(include_auto_created=True)
    found: list[type[models.Model]] = [root]
    links: list[Link] = []
    queue = [root]

    def reach(child: type[models.Model], parent: type[models.Model], lookup: str, how: str) -> None:
        if _label(child) in EXCLUDED or child._meta.abstract or child._meta.proxy:
            return
        links.append(Link(child, parent, lookup, how))
        if child not in found:
            found.append(child)
            queue.append(child)

    while queue:
        model = queue.pop(0)
        for rel in model._meta.get_fields(include_hidden=True):
            if (
                rel.auto_created
                and not rel.concrete
                and (rel.one_to_many or rel.one_to_one)
                and isinstance(rel, models.ForeignObjectRel)
            ):
                reach(rel.related_model, model, rel.field.name, "key")
        history = _history_model(model)
        if history is not None:
            reach(history, model, model._meta.pk.attname, "history")
        plain = f"{model._meta.model_name}_id"
        for other in everything:
            for column in other._meta.concrete_fields:
                if column.name == plain and not column.is_relation:
                    reach(other, model, column.name, "plain number")
    return found, links


def _covered_by_owner(model: type[models.Model], found: Iterable[type[models.Model]]) -> bool:
    """An automatic many-to-many table is exported as id lists on its owner's rows."""
    owner: Any = model._meta.auto_created  # the owning model, or False
    return bool(owner) and owner in found


def _describe(model: type[models.Model]) -> str:
    if _is_history(model):
        original = model.instance_type  # type: ignore[attr-defined]
        return (
            f"Earlier versions of the {original._meta.verbose_name_plural}: one row for each "
            "change, with who made it (history_user) and when (history_date); history_type "
            "is + for created, ~ for changed and - for deleted."
        )
    text = str(model._meta.verbose_name_plural)
    doc = (model.__doc__ or "").strip()
    # Django writes "Name(field, field, ...)" when a model has no docstring of its own.
    if doc and not doc.startswith(f"{model.__name__}("):
        text += ": " + " ".join(doc.split("\n\n")[0].split())
    return text[:1].upper() + text[1:]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _user_name(user: Any) -> str:
    return user.get_full_name() or f"user {user.pk}"


def _stored_rows(inputs_ids: set[int], learner_id: int) -> dict[int, dict[str, Any] | None]:
    """What each planning run's stored inputs still hold about the learner (ADR 0108)."""
    out: dict[int, dict[str, Any] | None] = {}
    for inputs in PlanningRunInputs.objects.filter(pk__in=inputs_ids).only("pk", "data"):
        try:
            learners = load_inputs(inputs.data).learners
        except ValueError:
            out[inputs.pk] = None
            continue
        mine = [dataclasses.asdict(row) for row in learners if row.learner_id == learner_id]
        out[inputs.pk] = mine[0] if mine else None
    return out


def _rows(
    model: type[models.Model], pks: set[int], bundled: set[type[models.Model]]
) -> tuple[list[dict[str, Any]], set[int]]:
    """The rows as plain dicts, and the ids of the users they name."""
    user_model = get_user_model()
    many = [f for f in model._meta.many_to_many if isinstance(f, models.ManyToManyField)]
    objects = list(
        model._base_manager.filter(pk__in=pks)
        .order_by("pk")
        .prefetch_related(*(f.name for f in many))
    )
    keys = [f for f in model._meta.concrete_fields if f.is_relation]
    # Labels for keys to things outside the bundle (organisations, settings, people).
    labels: dict[tuple[Any, Any], str] = {}
    user_ids: set[int] = set()
    for key in keys:
        target = key.related_model
        if target in bundled or not isinstance(target, type):
            continue
        ids = {getattr(obj, key.attname) for obj in objects} - {None}
        for pk, obj in target._base_manager.in_bulk(ids).items():
            labels[(target, pk)] = _user_name(obj) if target is user_model else str(obj)
        if target is user_model:
            user_ids |= ids
    out = []
    for obj in objects:
        row: dict[str, Any] = {}
        for column in model._meta.concrete_fields:
            value = getattr(obj, column.attname)
            row[column.name] = _plain(value)
            if column.is_relation and (column.related_model, value) in labels:
                row[f"{column.name}_label"] = labels[(column.related_model, value)]
            elif column.choices and value not in (None, ""):
                display = dict(column.flatchoices).get(value)
                if display is not None and str(display) != str(value):
                    row[f"{column.name}_display"] = str(display)
        for m2m in many:
            row[m2m.name] = sorted(o.pk for o in getattr(obj, m2m.name).all())
        out.append(row)
    return out, user_ids


def _people(user_ids: set[int]) -> list[dict[str, Any]]:
    """Who did what: name, and each role held in which organisation. Nothing else."""
    users = User.objects.filter(pk__in=user_ids).order_by("pk")
    roles: dict[int, list[dict[str, Any]]] = {}
    for m in (
        Membership.objects.filter(user_id__in=user_ids)
        .select_related("organisation")
        .order_by("started_on", "pk")
    ):
        roles.setdefault(m.user_id, []).append(
            {
                "role": m.get_role_display(),
                "organisation": m.organisation.name,
                "from": _plain(m.started_on),
                "until": _plain(m.ended_on),
            }
        )
    return [{"id": u.pk, "name": _user_name(u), "roles": roles.get(u.pk, [])} for u in users]


def _check_requester(learner: Learner, user: User) -> None:
    standing = standing_for(user)
    if not (
        user.is_active
        and standing.roles & LA_ROLES
        and learner.responsible_la_id in standing.la_ids
    ):
        raise RequesterRefused(
            f"user {user.pk} may not export this learner's record: a subject access export "
            "needs an LA caseworker, manager or administrator of the learner's local authority"
        )


def _file_order(model: type[models.Model]) -> tuple[bool, str, str, bool]:
    """The learner first, then by app and model, each model's history just after it."""
    original: type[models.Model] = getattr(model, "instance_type", model)
    return (model is not Learner, model._meta.app_label, original.__name__, _is_history(model))


def sar_collect(*, learner_id: int, fetched_by: User) -> Collected:
    """Every row about the learner, one table per model, and the people those rows name."""
    learner = Learner._base_manager.filter(pk=learner_id).first()
    if learner is None:
        raise LearnerNotFound(f"no learner with id {learner_id}")
    _check_requester(learner, fetched_by)
    found, links = sar_models()
    pks: dict[type[models.Model], set[Any]] = {model: set() for model in found}
    pks[Learner] = {learner.pk}
    changed = True
    while changed:  # until no link adds a row (the graph has cycles: versions, reviews)
        changed = False
        for link in links:
            parents = pks[link.parent]
            if not parents:
                continue
            matching = link.child._base_manager.filter(**{f"{link.lookup}__in": parents})
            new = set(matching.values_list("pk", flat=True)) - pks[link.child]
            if new:
                pks[link.child] |= new
                changed = True
    exported = sorted((m for m in found if not _covered_by_owner(m, found)), key=_file_order)
    bundled = set(exported)
    tables, user_ids = [], set()
    for model in exported:
        rows, users = _rows(model, pks[model], bundled)
        user_ids |= users
        if model._meta.label == "planning.PlanningRunInputsLearner" and rows:
            # The learner's own row in the run's stored inputs (need, age, home point ...).
            stored = _stored_rows({row["inputs"] for row in rows}, learner.pk)
            for row in rows:
                row["stored_row"] = stored.get(row["inputs"])
        tables.append(Table(model, f"{_label(model)}.json", _describe(model), rows))
    collected = Collected(learner.pk, tables, _people(user_ids))
    collected.counts = {t.filename: len(t.rows) for t in tables}
    return collected


def reply_due(received_on: dt.date) -> dt.date:
    """One calendar month from the day the request arrived (the same date next month, or
    that month's last day), moved to the next working day if it is not one."""
    due = add_months(received_on, REPLY_MONTHS)
    return add_working_days(due - dt.timedelta(days=1), 1)


def _n_rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _readme(collected: Collected, received_on: dt.date, reply_by: dt.date) -> str:
    lines = [
        "Subject access request: everything SENDplan holds about one learner",
        "",
        f"Learner record number: {collected.learner_id}",
        f"Request received: {received_on.isoformat()}",
        f"Reply due by: {reply_by.isoformat()} (one calendar month; it may be extended by two",
        "more months if the request is complex, but the person must be told so by then)",
        f"Exported: {timezone.localtime().strftime('%Y-%m-%d %H:%M')}",
        "",
        "Each .json file is a list of rows; keys are the field names. Dates are YYYY-MM-DD.",
        "A field ending in _label names the person, organisation or setting a record number",
        "refers to; _display gives the plain-English meaning of a code. people.json lists the",
        "people named in these records: their name and the roles they hold or held, and where.",
        "Review the bundle for other people's information before it is sent.",
        "",
        "Files:",
    ]
    for table in collected.tables:
        lines.append(f"- {table.filename} ({_n_rows(len(table.rows))}): {table.description}")
    lines.append(f"- people.json ({_n_rows(len(collected.people))}): who did what in these records")
    lines += [
        "",
        "Not included, by design: users' passwords, sign-in data and authenticator secrets.",
        "This export itself is recorded as an audit event dated today; it appears in the",
        "next export, not this one.",
    ]
    return "\n".join(lines) + "\n"


def _documents_readme(attached: list[tuple[str, Document]], withheld: list[Document]) -> str:
    lines = ["", f"Documents: {len(attached)} files in the documents folder (each row in"]
    lines.append("documents.Document.json gives its title, kind and who added it).")
    for document in withheld:
        lines.append(
            f"- Document {document.pk} is not included: the virus scanner found it harmful."
        )
    return "\n".join(lines) + "\n"


def _document_files(learner_id: int) -> tuple[list[tuple[str, Document]], list[Document]]:
    """The learner's documents as files for the bundle (``documents/<id> <title>.<ending>``),
    and those held back: a file the virus scanner found harmful is never copied out."""
    included, withheld = [], []
    for document in Document.objects.filter(learner_id=learner_id).order_by("pk"):
        if document.scan_status == Document.Scan.INFECTED:
            withheld.append(document)
            continue
        name = download_name(title=document.title, allowed_type=document.content_type)
        included.append((f"documents/{document.pk} {name}", document))
    return included, withheld


def sar_export(
    *,
    learner_id: int,
    out: Path,
    requested_by: User,
    received_on: dt.date | None = None,
) -> Exported:
    """Write the bundle to ``out`` (a zip), atomically, and audit the export (counts only)."""
    out = Path(out)
    if not out.parent.is_dir():
        raise FolderMissing(f"the folder {out.parent} does not exist")
    collected = sar_collect(learner_id=learner_id, fetched_by=requested_by)
    received_on = received_on or timezone.localdate()
    reply_by = reply_due(received_on)
    attached, withheld = _document_files(collected.learner_id)
    # The tables, people.json, README.txt and each document's file.
    files = len(collected.tables) + 2 + len(attached)
    # The rename is last, inside the transaction, so a failed rename also takes back the
    # audit event. The file holds personal data: readable by its owner alone.
    with transaction.atomic(), atomic_files(private=True) as written:
        with (
            written.open(out, binary=True) as raw,
            zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf,
        ):
            for table in collected.tables:
                zf.writestr(table.filename, json.dumps(table.rows, indent=1, ensure_ascii=False))
            zf.writestr("people.json", json.dumps(collected.people, indent=1, ensure_ascii=False))
            storage = documents_storage()
            for path, document in attached:
                with storage.open(document.storage_name, "rb") as src, zf.open(path, "w") as dst:
                    shutil.copyfileobj(src, dst, 1024 * 1024)
            readme = _readme(collected, received_on, reply_by)
            readme += _documents_readme(attached, withheld)
            zf.writestr("README.txt", readme)
        audit_record(
            user=requested_by,
            action=AuditEvent.Action.EXPORT,
            learner=Learner.objects.get(pk=collected.learner_id),
            detail=f"subject access export: {files} files, {collected.rows} rows",
        )
    return Exported(
        path=out,
        files=files,
        rows=collected.rows,
        counts=collected.counts,
        received_on=received_on,
        reply_by=reply_by,
    )
