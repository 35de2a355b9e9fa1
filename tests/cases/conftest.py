from datetime import date

import pytest

from cases.services import person_create
from tests.factories import make_id_number


@pytest.fixture
def person(village, caseworker):
    return person_create(
        id_number=make_id_number(birth=date(1970, 11, 21), sequence=6),
        name="张三",
        village=village,
        phone="13900001111",
        social_security_card="6217001234567890",
        acting_user=caseworker,
    )


@pytest.fixture
def other_person(other_village, caseworker):
    return person_create(
        id_number=make_id_number(birth=date(1980, 1, 2), sequence=7, female=True),
        name="李四",
        village=other_village,
        phone="13800002222",
        acting_user=caseworker,
    )
