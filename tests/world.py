"""A small two-township world for walking every URL as every role.

Each app's tests contribute objects and URL kwargs through tests/<app>/url_samples*.py:
`build(world)`, `samples(world) -> {url_name: kwargs}` (township A, the liaison's), and
`foreign_samples(world) -> {url_name: kwargs}` (township B, which the liaison must never see).
A module may also list `COUNTY_WIDE_URLS`: URLs whose objects belong to the whole county (a payment run,
a provider, a survey round), so they have no township to be foreign to.
"""

import importlib
from pathlib import Path
from types import SimpleNamespace

from .factories import CertificateFactory, HouseholdFactory, PersonFactory

TESTS_DIR = Path(__file__).resolve().parent


def sample_modules():
    modules = []
    for path in sorted(TESTS_DIR.glob("*/url_samples*.py")):
        modules.append(importlib.import_module(f"tests.{path.parent.name}.{path.stem}"))
    return modules


def build_world(*, users, township, other_township, village, other_village) -> SimpleNamespace:
    household = HouseholdFactory(village=village, township=township)
    other_household = HouseholdFactory(village=other_village, township=other_township)
    person = PersonFactory(name="本镇甲", village=village, township=township, household=household)
    other_person = PersonFactory(
        name="外镇乙", village=other_village, township=other_township, household=other_household
    )
    world = SimpleNamespace(
        users=users,
        township=township,
        other_township=other_township,
        village=village,
        other_village=other_village,
        household=household,
        other_household=other_household,
        person=person,
        other_person=other_person,
        certificate=CertificateFactory(person=person),
        other_certificate=CertificateFactory(person=other_person),
    )
    for module in sample_modules():
        if hasattr(module, "build"):
            module.build(world)
    return world


def collect_samples(world) -> tuple[dict, dict]:
    own, foreign = {}, {}
    for module in sample_modules():
        if hasattr(module, "samples"):
            own.update(module.samples(world))
        if hasattr(module, "foreign_samples"):
            foreign.update(module.foreign_samples(world))
    return own, foreign


def county_wide_urls() -> set[str]:
    names: set[str] = set()
    for module in sample_modules():
        names.update(getattr(module, "COUNTY_WIDE_URLS", ()))
    return names
