from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.models import PovertyStatus
from rehab.models import RehabSetting, ServiceRecord
from rehab.selectors import child_rescue_is_eligible_age, child_rescue_priority_groups
from rehab.services import child_rescue_check_age, child_rescue_create

pytestmark = pytest.mark.django_db

BIRTH = date(2019, 5, 10)  # 7th birthday: 2026-05-10


def rescue(person, institution, caseworker, applied_on, **kwargs):
    return child_rescue_create(
        person=person,
        applied_on=applied_on,
        condition="autism",
        rescue_kind="training",
        provider=institution,
        start_date=applied_on,
        end_date=date(2026, 12, 31),
        amount=Decimal("3000.00"),
        acting_user=caseworker,
        **kwargs,
    )


def test_eligible_on_the_day_before_the_7th_birthday(make_person, institution, caseworker):
    child = make_person(birth=BIRTH, certified=False)
    assert child_rescue_is_eligible_age(birth_date=BIRTH, day=date(2026, 5, 9))
    created = rescue(child, institution, caseworker, date(2026, 5, 9))
    assert ServiceRecord.objects.get(child_rescue=created).subsidy == Decimal("3000.00")


def test_refused_on_the_7th_birthday(make_person, institution, caseworker):
    child = make_person(birth=BIRTH, certified=False)
    assert not child_rescue_is_eligible_age(birth_date=BIRTH, day=date(2026, 5, 10))
    with pytest.raises(ValidationError) as error:
        rescue(child, institution, caseworker, date(2026, 5, 10))
    assert "已满7周岁" in str(error.value)
    assert "0-6周岁" in str(error.value)


def test_refused_the_day_after_the_7th_birthday(make_person):
    child = make_person(birth=BIRTH, certified=False)
    with pytest.raises(ValidationError):
        child_rescue_check_age(birth_date=child.birth_date, on=date(2026, 5, 11))


def test_newborn_and_before_birth():
    assert child_rescue_is_eligible_age(birth_date=BIRTH, day=BIRTH, max_age=6)
    assert not child_rescue_is_eligible_age(birth_date=BIRTH, day=date(2019, 5, 9), max_age=6)


def test_leap_day_birthday_turns_seven_on_first_of_march():
    birth = date(2016, 2, 29)
    assert child_rescue_is_eligible_age(birth_date=birth, day=date(2023, 2, 28), max_age=6)
    assert not child_rescue_is_eligible_age(birth_date=birth, day=date(2023, 3, 1), max_age=6)


def test_upper_age_is_configuration_with_an_effective_date(make_person, institution, caseworker):
    RehabSetting.objects.create(effective_from=date(2026, 1, 1), child_rescue_max_age=10)
    child = make_person(birth=BIRTH, certified=False)
    rescue(child, institution, caseworker, date(2026, 5, 10))  # 7 years old: allowed under the 0-10 extension
    # Before the extension took effect the national 0-6 rule applied (born 2018-01-01: 7 on 2025-01-01).
    with pytest.raises(ValidationError):
        child_rescue_check_age(birth_date=date(2018, 1, 1), on=date(2025, 12, 31))
    assert not child_rescue_is_eligible_age(birth_date=date(2018, 1, 1), day=date(2025, 12, 31))
    assert child_rescue_is_eligible_age(birth_date=date(2018, 1, 1), day=date(2026, 1, 1))


def test_priority_groups(make_person, institution, caseworker):
    child = make_person(birth=BIRTH, certified=False, poverty_status=PovertyStatus.DIBAO)
    created = rescue(child, institution, caseworker, date(2026, 1, 5), is_orphan=True)
    assert [str(g) for g in child_rescue_priority_groups(rescue=created)] == ["低保家庭", "孤儿"]
    extreme = make_person(birth=BIRTH, certified=False, poverty_status=PovertyStatus.EXTREME)
    other = rescue(extreme, institution, caseworker, date(2026, 1, 5), is_registered_poor=True)
    assert [str(g) for g in child_rescue_priority_groups(rescue=other)] == ["建档立卡家庭", "特困供养"]
