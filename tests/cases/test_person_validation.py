"""Every ID-number rule, through the service and the form."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.forms import PersonCreateForm
from cases.models import Person
from cases.services import person_create
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

VALID = "360121197011210013"  # the domain's example: check character 3


def create(village, caseworker, id_number):
    return person_create(id_number=id_number, name="王五", village=village, acting_user=caseworker)


def messages_of(excinfo):
    return " ".join(excinfo.value.message_dict["id_number"])


@pytest.mark.parametrize(
    "mangled", ["3.60121197011210E+17", "3.6012119701121E+17", "360121197011210000", "3.6012119701121e17"]
)
def test_float_mangled_id_refused_with_reason(village, caseworker, mangled):
    with pytest.raises(ValidationError) as excinfo:
        create(village, caseworker, mangled)
    assert "Excel" in messages_of(excinfo) and "文本" in messages_of(excinfo)
    assert not Person.objects.exists()


def test_lower_case_x_accepted_and_stored_upper(village, caseworker):
    number = make_id_number(birth=date(1990, 5, 5), sequence=3)
    # find a sequence whose check character is X
    sequence = next(s for s in range(500) if make_id_number(birth=date(1990, 5, 5), sequence=s).endswith("X"))
    number = make_id_number(birth=date(1990, 5, 5), sequence=sequence)
    person = create(village, caseworker, number.lower())
    assert person.id_number == number and person.id_number.endswith("X")


def test_bad_check_character(village, caseworker):
    with pytest.raises(ValidationError) as excinfo:
        create(village, caseworker, VALID[:-1] + "4")
    assert "校验位错误" in messages_of(excinfo) and "应为 3" in messages_of(excinfo)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("36012119701121001", "应为 18 位"),
        ("990121197011210013", "地区码"),
        ("360121197013210013", "出生日期"),
        ("36012119701121001A", "前 17 位必须是数字"),
        ("", "不能为空"),
    ],
)
def test_other_id_faults_are_named(village, caseworker, raw, fragment):
    with pytest.raises(ValidationError) as excinfo:
        create(village, caseworker, raw)
    assert fragment in messages_of(excinfo)


def test_birth_date_and_sex_derived(village, caseworker):
    person = create(village, caseworker, VALID)
    assert (person.birth_date, person.sex) == (date(1970, 11, 21), "M")
    female = create(village, caseworker, make_id_number(birth=date(2001, 2, 3), sequence=9, female=True))
    assert (female.birth_date, female.sex) == (date(2001, 2, 3), "F")


def test_duplicate_id_refused(village, caseworker):
    create(village, caseworker, VALID)
    with pytest.raises(ValidationError) as excinfo:
        create(village, caseworker, " " + VALID + " ")
    assert "已登记" in messages_of(excinfo)


def test_form_shows_float_message(caseworker, village):
    form = PersonCreateForm(
        {
            "id_number": "3.60121197011210E+17",
            "name": "王五",
            "ethnicity": "汉族",
            "village": village.pk,
            "education_stage": "none",
            "poverty_status": "none",
        },
        user=caseworker,
    )
    assert not form.is_valid()
    assert "Excel" in form.errors["id_number"][0]


def test_phone_format(village, caseworker):
    with pytest.raises(ValidationError) as excinfo:
        person_create(id_number=VALID, name="王五", village=village, phone="abc", acting_user=caseworker)
    assert "phone" in excinfo.value.message_dict
