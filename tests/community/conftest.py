from datetime import date

import pytest

from fedportal.core.clock import local_today
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

    return local_today()


@pytest.fixture
def last_year(today):
    return date(today.year - 1, 6, 15)
