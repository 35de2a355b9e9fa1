from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from cases.models import Household, PovertyRecord, PovertyStatus, Relation
from cases.services import (
    StalePersonError,
    person_note_add,
    person_register,
    person_update,
    poverty_status_set,
)
from fedportal.core.clock import local_today
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def test_register_creates_household_and_joins_existing(village, caseworker):
    head = person_register(
        id_number=make_id_number(sequence=1),
        name="户主",
        village=village,
        household_register_number="HH-001",
        relation_to_head=Relation.HEAD,
        acting_user=caseworker,
    )
    child = person_register(
        id_number=make_id_number(sequence=2, birth=date(2010, 1, 1)),
        name="孩子",
        village=village,
        household_register_number="HH-001",
        relation_to_head=Relation.CHILD,
        acting_user=caseworker,
    )
    household = Household.objects.get(register_number="HH-001")
    assert head.household == child.household == household
    assert household.township == village.township


def test_register_refuses_household_of_other_township(village, other_village, caseworker):
    person_register(
        id_number=make_id_number(sequence=1),
        name="甲",
        village=other_village,
        household_register_number="HH-9",
        relation_to_head=Relation.HEAD,
        acting_user=caseworker,
    )
    with pytest.raises(ValidationError) as excinfo:
        person_register(
            id_number=make_id_number(sequence=2),
            name="乙",
            village=village,
            household_register_number="HH-9",
            relation_to_head=Relation.CHILD,
            acting_user=caseworker,
        )
    assert "household_register_number" in excinfo.value.message_dict


def test_update_with_stale_version_is_refused_and_nothing_lost(person, caseworker, liaison):
    version = person.version
    person_update(person=person, expected_version=version, name="张三丰", address="莲塘镇一号", acting_user=caseworker)
    assert person.version == version + 1
    with pytest.raises(StalePersonError) as excinfo:
        person_update(person=person, expected_version=version, name="张三", phone="13700000000", acting_user=liaison)
    assert "已被他人修改" in excinfo.value.messages[0]
    assert excinfo.value.current.name == "张三丰"
    person.refresh_from_db()
    assert (person.name, person.address, person.phone) == ("张三丰", "莲塘镇一号", "13900001111")


def test_update_id_number_rederives_birth_and_sex(person, caseworker):
    new = make_id_number(birth=date(1985, 6, 7), sequence=40, female=True)
    person_update(person=person, expected_version=person.version, id_number=new, acting_user=caseworker)
    assert (person.id_number, person.birth_date, person.sex) == (new, date(1985, 6, 7), "F")


def test_poverty_history_closes_open_record(person, caseworker):
    first = poverty_status_set(
        person=person, status=PovertyStatus.DIBAO, start_date=date(2024, 1, 1), acting_user=caseworker
    )
    second = poverty_status_set(
        person=person, status=PovertyStatus.MARGINAL, start_date=date(2025, 3, 1), acting_user=caseworker
    )
    first.refresh_from_db()
    assert first.end_date == date(2025, 2, 28) and second.end_date is None
    assert person.poverty_status == PovertyStatus.MARGINAL
    poverty_status_set(person=person, status=PovertyStatus.NONE, start_date=date(2025, 6, 1), acting_user=caseworker)
    person.refresh_from_db()
    assert person.poverty_status == PovertyStatus.NONE
    assert not PovertyRecord.objects.filter(person=person, end_date__isnull=True).exists()


def test_poverty_refuses_same_status_and_backdating(person, caseworker):
    poverty_status_set(person=person, status=PovertyStatus.DIBAO, start_date=date(2024, 1, 1), acting_user=caseworker)
    with pytest.raises(ValidationError, match="状态未变化"):
        poverty_status_set(
            person=person, status=PovertyStatus.DIBAO, start_date=date(2024, 6, 1), acting_user=caseworker
        )
    with pytest.raises(ValidationError, match="须晚于"):
        poverty_status_set(
            person=person, status=PovertyStatus.EXTREME, start_date=date(2023, 6, 1), acting_user=caseworker
        )


def test_note(person, caseworker):
    note = person_note_add(person=person, text="  入户走访  ", acting_user=caseworker)
    assert note.text == "入户走访" and note.author == caseworker
    with pytest.raises(ValidationError):
        person_note_add(person=person, text=" ", acting_user=caseworker)


def test_death_in_future_refused(person, caseworker):
    from cases.services import person_mark_deceased

    with pytest.raises(ValidationError, match="不能晚于今天"):
        person_mark_deceased(person=person, death_date=local_today() + timedelta(days=1), acting_user=caseworker)
