from datetime import date

import pytest

from tests.factories import HouseholdFactory, PersonFactory


@pytest.fixture
def person(township, village):
    household = HouseholdFactory(village=village, township=township)
    return PersonFactory(name="张三", village=village, township=township, household=household)


@pytest.fixture
def other_person(other_township, other_village):
    return PersonFactory(name="李四", village=other_village, township=other_township)


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def last_year(today):
    return date(today.year - 1, 6, 15)
