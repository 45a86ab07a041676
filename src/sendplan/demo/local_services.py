"""The demo's local services (ADR 0147): the therapies, mental health, sensory support, short
breaks and advice its organisations provide, so its Local Offer lists them and the report of
provision not listed shrinks to what truly is not.

Everything is synthetic: the descriptions are made up, the phone numbers are in Ofcom's
range for drama (020 7946 0xxx) and the addresses are at example.org.
"""

from __future__ import annotations

from collections.abc import Collection

from sendplan.accounts.models import Organisation
from sendplan.provision.models import LocalService

K = LocalService.Kind
A = LocalService.Access
AREA = "Lambeth (demo)"

#: (organisation key in the demo's organisations, name, kind, ages, needs, access, how to
#: get it, description, phone's last three digits, email's local part).
SERVICES: tuple[
    tuple[str, str, str, tuple[int, int], list[str], str, str, str, str, str], ...
] = (
    ("health", "Children's speech and language therapy (demo)", K.SPEECH_LANGUAGE, (0, 19),
     ["SLCN", "ASD"], A.EITHER, "Schools, nurseries, GPs and health visitors refer; families "
     "of children under 5 can call the advice line.",
     "Assessment, therapy and advice for children who find talking, understanding or "
     "swallowing hard, in clinics, nurseries and schools.", "201", "salt"),
    ("health", "Children's occupational therapy (demo)", K.OCCUPATIONAL, (0, 19),
     ["PD", "ASD", "PMLD"], A.REFERRAL, "A school, GP or paediatrician refers.",
     "Help with everyday skills such as dressing, eating and handwriting, and advice on "
     "equipment and changes at home and school.", "202", "ot"),
    ("health", "Children's physiotherapy (demo)", K.PHYSIOTHERAPY, (0, 19),
     ["PD", "PMLD", "SLD"], A.REFERRAL, "A GP, paediatrician or school refers.",
     "Help with movement, posture and mobility, with programmes for home and school.",
     "203", "physio"),
    ("camhs", "Child and adolescent mental health service (demo)", K.MENTAL_HEALTH, (0, 18),
     ["SEMH"], A.EITHER, "A GP or school refers; young people aged 16 and over can refer "
     "themselves.",
     "Assessment and treatment for children and young people with mental health "
     "difficulties, and advice for the adults around them.", "204", "camhs"),
    ("la", "Sensory support and outreach (demo)", K.SENSORY, (0, 25),
     ["HI", "VI", "MSI"], A.EITHER, "Families, schools and health services can contact "
     "the team.",
     "Qualified teachers of deaf and visually impaired children visit homes and settings, "
     "advise staff and provide equipment.", "205", "sensory.support"),
    ("la", "Portage home visiting (demo)", K.PORTAGE, (0, 5), [], A.EITHER,
     "Families can contact the service, or a health visitor refers.",
     "Home visits that help families support the learning and development of young "
     "children with SEND.", "206", "portage"),
    ("social_care", "Short breaks for disabled children (demo)", K.SHORT_BREAKS, (0, 18), [],
     A.EITHER, "Families can ask for a short breaks assessment; some breaks need no "
     "assessment.",
     "Activities, clubs and overnight breaks that give disabled children time to have fun "
     "and their families a rest.", "207", "short.breaks"),
    ("ep_service", "Educational psychology service (demo)", K.EDUCATIONAL_PSYCHOLOGY, (0, 25),
     [], A.REFERRAL, "Schools and settings request involvement.",
     "Educational psychologists work with schools and families to understand a child's "
     "learning and give advice, including for EHC needs assessments.", "208", "ep"),
    ("la", "SEND information, advice and support service (demo)", K.ADVICE, (0, 25), [],
     A.SELF_REFERRAL, "Families and young people can contact the service themselves. It "
     "works at arm's length from the council.",
     "Free, impartial and confidential information, advice and support about special "
     "educational needs and disabilities, for families and young people.", "209",
     "sendiass"),
)  # fmt: skip


def build_local_services(orgs: dict[str, Organisation]) -> dict[str, int]:
    """Seed the services the demo's organisations provide; returns the count."""
    rows = [
        LocalService(
            organisation=orgs[key],
            name=name,
            kind=kind,
            min_age=ages[0],
            max_age=ages[1],
            needs=needs,
            access=access,
            access_note=note,
            description=description,
            phone=f"020 7946 0{phone}",
            email=f"{mailbox}@example.org",
            website=f"https://local-offer.example.org/{mailbox.replace('.', '-')}",
            area_served=AREA,
        )
        for key, name, kind, ages, needs, access, note, description, phone, mailbox in SERVICES
    ]
    LocalService.objects.bulk_create(rows)
    return {"local services": len(rows)}


def reset_local_services(organisation_ids: Collection[int]) -> int:
    """Delete the local services of the demo's organisations (before the organisations)."""
    return LocalService.objects.filter(organisation_id__in=list(organisation_ids)).delete()[0]
