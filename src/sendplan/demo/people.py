"""Synthetic names and the demo's staff and family accounts.

Names are drawn from fixed lists of common given and family names found across London and
mixed at random, so no record describes a real person. Staff accounts are few (about fifty);
most families are recorded as an organisation-level involvement without an account.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FEMALE_NAMES = _words(
    "Amara Aisha Olivia Amelia Isla Ava Mia Sophia Grace Lily Freya Emily Ivy Ella Rosie Evie "
    "Florence Poppy Sienna Maya Zara Fatima Maryam Hana Aaliyah Chloe Jessica Ruby Nia Imani "
    "Esme Layla Leah Sofia Alice Daisy Phoebe Matilda Ada Iris Naomi Abigail Kemi Tolu Precious "
    "Blessing Favour Chidinma Adaeze Ama Akosua Efua Zainab Khadija Amira Safa Yasmin Priya "
    "Anaya Saanvi Mei Lina Julia Zofia Maja Ana Beatriz Mariana Inês Chiara Giulia Elena "
    "Niamh Aoife Keira Shanice Tianna Jada Kiara Destiny Summer Willow"
)
MALE_NAMES = _words(
    "Oliver Noah George Arthur Leo Muhammad Harry Oscar Theo Jack Charlie Freddie Alfie Jacob "
    "Henry Finley Thomas Isaac Joshua Reuben Elijah Samuel Daniel Joseph David Gabriel Caleb "
    "Malachi Jayden Tyrese Kai Nathan Ethan Adam Yusuf Ibrahim Omar Hamza Zayn Ayaan Arjun Rohan "
    "Kwame Kofi Kwabena Yaw Chidi Emeka Tobi Femi Tunde Ade Olu Segun Kayode Jamal Malik Andre "
    "Jerome Marcus Dwayne Tyler Luca Mateo Tomasz Jakub Piotr Rafael Tiago Joao Diego Santiago "
    "Lorenzo Ciaran Conor Cian Rory Finn Max Felix Hugo Louis"
)
FAMILY_NAMES = _words(
    "Smith Jones Williams Brown Taylor Davies Evans Wilson Thomas Johnson Roberts Walker Wright "
    "Robinson Thompson White Hughes Edwards Green Hall Wood Harris Lewis Martin Jackson Clarke "
    "Clark Turner Hill Scott Cooper Morris Ward Moore King Watson Baker Harrison Morgan Patel "
    "Young Allen Mitchell James Anderson Phillips Lee Bell Parker Davis Campbell Kelly Murphy "
    "Okafor Okonkwo Adeyemi Adebayo Oyelaran Mensah Asante Owusu Boateng Osei Appiah Danso "
    "Nwosu Eze Obi Bakare Balogun Adeleke Ogunleye Afolabi Ahmed Ali Hussain Khan Begum Rahman "
    "Uddin Islam Miah Chowdhury Shah Sharma Singh Kaur Gupta Iyer Chen Wang Liu Nguyen Tran "
    "Silva Santos Pereira Costa Ferreira Oliveira Rodrigues Gomes Nowak Kowalski Wisniewski "
    "Lewandowski Rossi Russo Bianchi Garcia Martinez Lopez Hernandez Gonzalez Murray Reid "
    "Campbell Grant Francis Henry Gordon Richards Bailey Simpson Stewart Forbes Douglas Dixon "
    "Mahmoud Hassan Yilmaz Demir Kaya Abdi Warsame Farah Mohamed Ibrahim"
)


def draw_names(rng: np.random.Generator, sexes: list[str]) -> tuple[list[str], list[str]]:
    """Given and family names for learners of the given sexes ("F" or "M")."""
    given = [str(rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES)) for sex in sexes]
    family = [str(name) for name in rng.choice(FAMILY_NAMES, size=len(sexes))]
    return given, family


@dataclass(frozen=True)
class StaffSpec:
    """A demo account: username, role (accounts.Role value) and the organisation key."""

    username: str
    role: str
    organisation: str
    first_name: str
    last_name: str
    is_staff: bool = False


# (username stem, role, organisation key, how many). The first of each is the printed sign-in.
STAFF_GROUPS: tuple[tuple[str, str, str, int], ...] = (
    ("caseworker", "la_caseworker", "la", 12),
    ("commissioner", "la_manager", "la", 1),
    ("admin", "admin", "la", 1),
    ("health", "health", "health", 9),
    ("camhs", "health", "camhs", 3),
    ("socialworker", "social_worker", "social_care", 8),
    ("ep", "ep", "ep_service", 8),
)
#: The colleague who also holds the advice triage role in each service (organisation key ->
#: username): they assign the requests for advice nobody is named in. The demo SENCO holds
#: it at their school.
TRIAGE_ACCOUNTS: dict[str, str] = {
    "health": "demo.health02",
    "camhs": "demo.camhs02",
    "social_care": "demo.socialworker02",
    "ep_service": "demo.ep02",
}
#: Demo parents with an account (the first is the printed sign-in); other families have none.
PARENT_ACCOUNTS = 4

DEMO_USERNAME_PREFIX = "demo."


def staff_specs(rng: np.random.Generator) -> list[StaffSpec]:
    """Every staff account of the demo, named at random from the fixed lists."""
    specs: list[StaffSpec] = []
    for stem, role, organisation, count in STAFF_GROUPS:
        for number in range(1, count + 1):
            suffix = "" if number == 1 else f"{number:02d}"
            sex = "F" if rng.random() < 0.6 else "M"
            specs.append(
                StaffSpec(
                    username=f"{DEMO_USERNAME_PREFIX}{stem}{suffix}",
                    role=role,
                    organisation=organisation,
                    first_name=str(rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES)),
                    last_name=str(rng.choice(FAMILY_NAMES)),
                    is_staff=role == "admin",
                )
            )
    return specs


def weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of k items drawn without replacement with probability in proportion to weight.

    Efraimidis and Spirakis: keep the k largest of u ** (1 / w), u uniform on (0, 1).
    """
    keys = rng.random(len(weights)) ** (1.0 / np.maximum(weights, 1e-9))
    return np.sort(np.argsort(-keys, kind="stable")[:k])
