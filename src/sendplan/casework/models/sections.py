"""The sections of an EHC plan (Reg 12(1); statutory.md §2)."""

from django.db import models


class Section(models.TextChoices):
    A = "A", "A: views, interests and aspirations"
    B = "B", "B: special educational needs"
    C = "C", "C: health care needs"
    D = "D", "D: social care needs"
    E = "E", "E: outcomes"
    F = "F", "F: special educational provision"
    G = "G", "G: health care provision"
    H1 = "H1", "H1: social care provision (CSDPA 1970 s2)"
    H2 = "H2", "H2: other social care provision"
    I = "I", "I: placement"  # noqa: E741 - the plan's own section letter
    J = "J", "J: personal budget"
    K = "K", "K: advice and information"


NEED_SECTIONS = (Section.B, Section.C, Section.D)
PROVISION_SECTIONS = (Section.F, Section.G, Section.H1, Section.H2)
