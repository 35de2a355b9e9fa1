"""Fixtures of the rehabilitation tests: providers with contracts and prices, persons in both townships."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from rehab.models import Provider, ProviderContract, ProviderKind, ProviderService, ServiceType
from tests.factories import CertificateFactory, HouseholdFactory, PersonFactory, make_id_number


def make_provider(name, kind, *, start=date(2024, 1, 1), end=date(2030, 12, 31), items=()):
    provider = Provider.objects.create(name=name, kind=kind)
    if start is not None:
        ProviderContract.objects.create(provider=provider, start_date=start, end_date=end, number=f"HT-{name}")
    for service_type, device_type, price, subsidy in items:
        ProviderService.objects.create(
            provider=provider,
            service_type=service_type,
            device_type=device_type,
            price=Decimal(price),
            subsidy=Decimal(subsidy),
        )
    return provider


@pytest.fixture
def supplier(db):
    return make_provider(
        "康复辅具中心",
        ProviderKind.DEVICE_SUPPLIER,
        items=[(ServiceType.DEVICE, "wheelchair", "1200.00", "1000.00"), (ServiceType.DEVICE, "", "500.00", "400.00")],
    )


@pytest.fixture
def expired_supplier(db):
    return make_provider(
        "旧辅具公司",
        ProviderKind.DEVICE_SUPPLIER,
        start=date(2020, 1, 1),
        end=date(2023, 12, 31),
        items=[(ServiceType.DEVICE, "", "500.00", "400.00")],
    )


@pytest.fixture
def home_care_provider(db):
    return make_provider(
        "阳光居家托养服务中心", ProviderKind.HOME_CARE, items=[(ServiceType.HOME_CARE, "", "80.00", "80.00")]
    )


@pytest.fixture
def institution(db):
    return make_provider(
        "县残疾儿童康复中心",
        ProviderKind.REHAB_INSTITUTION,
        items=[(ServiceType.REHAB_TRAINING, "", "3000.00", "3000.00")],
    )


@pytest.fixture
def make_person(village):
    counter = iter(range(1, 10_000))

    def make(*, village=village, birth=date(1970, 11, 21), certified=True, household=True, **kwargs):
        n = next(counter)
        person = PersonFactory(
            id_number=make_id_number(birth=birth, sequence=n + (200 if village.township.code.endswith("2") else 0)),
            village=village,
            household=HouseholdFactory(village=village) if household else None,
            **kwargs,
        )
        if certified:
            CertificateFactory(person=person)
        return person

    return make


@pytest.fixture
def person(make_person):
    return make_person(name="张三")


@pytest.fixture
def other_person(make_person, other_village):
    return make_person(village=other_village, name="李四")


@pytest.fixture
def world(users, township, other_township, village, other_village, make_person):
    """A person in each township and every rehab record of tests/rehab/url_samples.py built on them."""
    from . import url_samples

    world = SimpleNamespace(
        township=township,
        other_township=other_township,
        village=village,
        other_village=other_village,
        users=users,
        person=make_person(name="甲"),
        other_person=make_person(village=other_village, name="乙"),
    )
    url_samples.build(world)
    return world
