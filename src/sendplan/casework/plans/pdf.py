"""The PDF of an issued EHC plan, built with ReportLab (pure Python, BSD licence).

Accessibility within what open-source ReportLab can do: every word is real text in a standard
font (no images of text), the document title is set and shown by readers instead of the file
name, the language is English (UK), and each section is a bookmark, so a screen reader user
can move section by section. ReportLab's open-source edition writes no structure tree (a
fully tagged PDF/UA), which is why the web page stays the primary, accessible version.
"""

from __future__ import annotations

import datetime as dt
import io
from html import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from sendplan.casework.plans.models import Section
from sendplan.casework.plans.selectors import PlanSections, budget_text, placement_text
from sendplan.core.dates import govuk_date

_BASE = getSampleStyleSheet()
_BODY = ParagraphStyle("Body", parent=_BASE["BodyText"], fontSize=11, leading=15, alignment=TA_LEFT)
_SMALL = ParagraphStyle("Small", parent=_BODY, fontSize=9.5, leading=12)
_TITLE = ParagraphStyle("PlanTitle", parent=_BASE["Title"], alignment=TA_LEFT, fontSize=20)
_H2 = ParagraphStyle("Section", parent=_BASE["Heading2"], fontSize=14, spaceBefore=12)
_H3 = ParagraphStyle("Part", parent=_BASE["Heading3"], fontSize=12)


def _text(value: str) -> str:
    """Escape for ReportLab's paragraph markup and keep the writer's line breaks."""
    return escape(value.strip(), quote=False).replace("\n", "<br/>")


def _day_or_not_issued(day: dt.date | None) -> str:
    return govuk_date(day) or "Not issued"


class _SectionHeading(Paragraph):
    """A section heading that also becomes a bookmark in the reader's outline."""

    def __init__(self, text: str, key: str) -> None:
        super().__init__(_text(text), _H2)
        self.outline_text, self.key = text, key

    def draw(self) -> None:
        super().draw()
        canvas = self.canv
        canvas.bookmarkPage(self.key)
        canvas.addOutlineEntry(self.outline_text, self.key, level=0)


def _para(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(_text(text) or "None recorded.", style)


def _table(header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    data = [[Paragraph(f"<b>{escape(h)}</b>", _SMALL) for h in header]]
    data += [[Paragraph(_text(cell), _SMALL) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _story(sections: PlanSections, width: float) -> list[Flowable]:
    version = sections.version
    plan = version.plan
    learner = plan.learner
    story: list[Flowable] = [
        Paragraph("Education, health and care plan", _TITLE),
        _para(f"{learner.given_name} {learner.family_name}", _H3),
        _para(f"Date of birth: {_day_or_not_issued(learner.date_of_birth)}"),
        _para(f"Version {version.number}, issued {_day_or_not_issued(version.issued_on)}"),
        _para(f"Plan first issued: {_day_or_not_issued(plan.issued_on)}"),
        Spacer(1, 4 * mm),
    ]
    story += [
        _SectionHeading(str(Section.A.label), "A"),
    ]
    if version.family_views or version.family_interests or version.family_aspirations:
        # The family's own words, as theirs, apart from what the council wrote.
        story.append(_para("In their own words, written by the family", _H3))
        story += [_para(t) for t in (version.family_views, version.family_interests) if t]
        story += [_para(version.family_aspirations)] if version.family_aspirations else []
        story.append(_para("Written by the council", _H3))
    story += [
        _para("Views", _H3),
        _para(version.views),
        _para("Interests", _H3),
        _para(version.interests),
        _para("Aspirations", _H3),
        _para(version.aspirations),
    ]
    for rows in sections.needs:
        story.append(_SectionHeading(rows.label, rows.letter))
        if not rows.rows:
            story.append(_para("None recorded."))
        for row in rows.rows:
            story.append(_para(f"{row.ref}. {row.need.text}"))
    story.append(_SectionHeading(sections.outcomes.label, "E"))
    if sections.outcomes.rows:
        body = [
            [
                r.ref,
                r.outcome.text
                + ("\nPreparing for adulthood" if r.outcome.preparing_for_adulthood else ""),
                ", ".join(r.need_refs),
            ]
            for r in sections.outcomes.rows
        ]
        story.append(_table(["Ref", "Outcome sought", "Needs"], body, _widths(width, [1, 8, 2])))
    else:
        story.append(_para("None recorded."))
    for rows in sections.provision:
        story.append(_SectionHeading(rows.label, rows.letter))
        if not rows.rows:
            story.append(_para("None recorded."))
            continue
        body = [
            [
                r.ref,
                r.provision.what,
                r.provision.how_much,
                r.provision.how_often,
                r.provision.delivered_by,
                ", ".join(r.outcome_refs),
            ]
            for r in rows.rows
        ]
        header = ["Ref", "Provision", "How much", "How often", "Who delivers", "Outcomes"]
        story.append(_table(header, body, _widths(width, [1, 5, 2.2, 2.4, 2.6, 1.6])))
    story += [
        _SectionHeading(str(Section.I.label), "I"),
        _para(placement_text(version)),
        _SectionHeading(str(Section.J.label), "J"),
        _para(budget_text(version)),
        _para(version.personal_budget_arrangements),
        _SectionHeading(str(Section.K.label), "K"),
    ]
    if sections.advice:
        story += [
            _para(
                f"{a.get_kind_display()} from {a.organisation.name}, "
                f"received {_day_or_not_issued(a.received_on)}"
            )
            for a in sections.advice
        ]
    else:
        story.append(_para("None attached."))
    return [KeepTogether(story[:6]), *story[6:]]


def _widths(total: float, weights: list[float]) -> list[float]:
    unit = total / sum(weights)
    return [w * unit for w in weights]


def plan_pdf(sections: PlanSections) -> bytes:
    """The plan version as PDF bytes: sections A–K, the version and its issue date."""
    version = sections.version
    learner = version.plan.learner
    title = (
        f"EHC plan for {learner.given_name} {learner.family_name}, version {version.number}, "
        f"issued {_day_or_not_issued(version.issued_on)}"
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=title,
        author="SENDplan",
        subject="Education, health and care plan",
        lang="en-GB",
        displayDocTitle=True,
        creator="SENDplan",
    )
    footer = f"EHC plan version {version.number}, issued {_day_or_not_issued(version.issued_on)}"

    def _page(canvas, document) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont("Helvetica", 9)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    doc.build(_story(sections, doc.width), onFirstPage=_page, onLaterPages=_page)
    return buffer.getvalue()
