"""Each program's rule and exclusion, judged by subsidies.rules.eligibility_reasons at the edges."""

from datetime import date
from decimal import Decimal

import pytest

from subsidies.models import ProgramParameter
from subsidies.rules import eligibility_codes, eligibility_reasons
from tests.factories import CertificateFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 1)


def reasons(code, person, on=DAY):
    return eligibility_reasons(code, [person.pk], on)[person.pk]


def test_living_needs_dibao_and_a_valid_certificate(make_holder, programs):
    assert reasons("living", make_holder(poverty="dibao")) == []
    assert reasons("living", make_holder(poverty=None)) == ["不再低保"]
    assert reasons("living", make_holder(poverty="dibao", certificate=False)) == ["无有效残疾人证"]


def test_living_excludes_extreme_poverty(make_holder, programs):
    assert reasons("living", make_holder(poverty="extreme")) == ["特困供养"]


def test_living_marginal_extension_switch_has_an_effective_date(make_holder, programs):
    person = make_holder(poverty="marginal")
    ProgramParameter.objects.create(
        program=programs["living"], key="extend_marginal", effective_from=date(2026, 3, 1), value=1
    )
    assert reasons("living", person, date(2026, 2, 1)) == ["不再低保"]
    assert reasons("living", person, date(2026, 3, 1)) == []


def test_living_poverty_status_is_judged_on_the_day(make_holder, programs):
    person = make_holder(poverty="dibao", poverty_start=date(2026, 2, 15))
    assert reasons("living", person, date(2026, 2, 1)) == ["不再低保"]
    assert reasons("living", person, date(2026, 3, 1)) == []


def test_nursing_grades(make_holder, programs):
    one, two, three = make_holder(grade=1), make_holder(grade=2), make_holder(grade=3)
    result = eligibility_codes("nursing", [one.pk, two.pk, three.pk], DAY)
    assert result[one.pk] == ([], "grade1")
    assert result[two.pk] == ([], "grade2")
    assert result[three.pk][0] == ["grade"]


def test_nursing_grade3_mental_extension(make_holder, programs):
    mental, physical = make_holder(grade=3, category=6), make_holder(grade=3, category=4)
    ProgramParameter.objects.create(
        program=programs["nursing"], key="extend_grade3_mental", effective_from=DAY, value=1
    )
    result = eligibility_codes("nursing", [mental.pk, physical.pk], DAY)
    assert result[mental.pk] == ([], "grade3_mental")
    assert result[physical.pk][0] == ["grade"]


def test_nursing_excludes_extreme_poverty(make_holder, programs):
    assert reasons("nursing", make_holder(grade=1, poverty="extreme")) == ["特困供养"]


def test_certificate_expiring_on_the_last_day_of_a_month(make_holder, programs):
    person = make_holder(grade=1, issue=date(2016, 2, 1), expiry=date(2026, 2, 28))
    assert reasons("nursing", person, date(2026, 2, 1)) == []
    assert reasons("nursing", person, date(2026, 2, 28)) == []
    assert reasons("nursing", person, date(2026, 3, 1)) == ["证件过期"]


def test_cancelled_certificate(make_holder, programs):
    person = make_holder(grade=1)
    person.certificates.update(status="cancelled", ended_on=date(2026, 2, 10), end_reason="not_meeting_standard")
    assert reasons("nursing", person, date(2026, 2, 1)) == []
    assert reasons("nursing", person, date(2026, 3, 1)) == ["证件注销"]


@pytest.mark.parametrize(
    ("death", "paid_in_march"), [(date(2026, 2, 28), False), (date(2026, 3, 1), True), (date(2026, 3, 2), True)]
)
def test_death_is_judged_on_the_first_day_of_the_month(make_holder, programs, death, paid_in_march):
    person = make_holder(grade=1, death_date=death)
    assert (reasons("nursing", person, date(2026, 3, 1)) == []) is paid_in_march
    assert reasons("nursing", person, date(2026, 4, 1)) == ["死亡"]


def test_moved_out_of_the_county(make_holder, programs):
    person = make_holder(grade=1, moved_out_date=date(2026, 2, 20))
    assert reasons("nursing", person, date(2026, 2, 1)) == []
    assert reasons("nursing", person, date(2026, 3, 1)) == ["户籍迁出"]


def test_education_stages_and_parent_certificate(make_holder, programs, village):
    household = HouseholdFactory(village=village)
    parent = make_holder(household=household, relation_to_head="head")
    college_child = make_holder(
        household=household, relation_to_head="child", education_stage="college", certificate=False
    )
    college_self = make_holder(education_stage="college")
    high = make_holder(education_stage="vocational")
    pupil = make_holder(education_stage="compulsory")
    adult = make_holder(education_stage="none")
    orphan_student = make_holder(education_stage="college", certificate=False)
    ids = [p.pk for p in (parent, college_child, college_self, high, pupil, adult, orphan_student)]
    result = eligibility_codes("education", ids, DAY)
    assert result[college_child.pk] == ([], "college_parent")
    assert result[college_self.pk] == ([], "college_self")
    assert result[high.pk] == ([], "high_school")
    assert result[pupil.pk] == ([], "compulsory")
    assert result[adult.pk][0] == ["not_student"]
    assert result[orphan_student.pk][0] == ["no_certificate", "parent_no_certificate"]


def test_multi_disability_household(make_holder, programs, village):
    household = HouseholdFactory(village=village)
    first = make_holder(household=household)
    second = make_holder(household=household, grade=4)
    alone = make_holder(household=HouseholdFactory(village=village))
    assert reasons("multi", first) == []
    assert reasons("multi", second) == []
    assert reasons("multi", alone) == ["非一户多残家庭"]
    # The second member's card expires: neither qualifies any longer.
    second.certificates.update(expiry_date=date(2026, 2, 27))
    assert reasons("multi", first) == ["非一户多残家庭"]
    assert reasons("multi", second) == ["证件过期"]


def test_renewed_certificate_counts_from_its_issue_date(make_holder, programs):
    person = make_holder(grade=2, issue=date(2016, 1, 1), expiry=date(2025, 12, 31))
    old = person.certificates.get()
    assert reasons("nursing", person, date(2026, 1, 1)) == ["证件过期"]
    old.status, old.ended_on, old.end_reason = "superseded", date(2026, 2, 10), "renewed"
    old.save()
    CertificateFactory(person=person, grade=1, issue_date=date(2026, 2, 10), expiry_date=date(2036, 2, 9))
    assert eligibility_codes("nursing", [person.pk], date(2026, 3, 1))[person.pk] == ([], "grade1")


def test_many_persons_in_one_call(make_holder, programs):
    persons = [make_holder(grade=1 + i % 4) for i in range(20)]
    result = eligibility_reasons("nursing", [p.pk for p in persons] + [10**9], DAY)
    assert sum(1 for r in result.values() if r == []) == 10
    assert result[10**9] == ["登记中无此人"]


def test_amounts_are_decimal(programs):
    assert programs["nursing"].rates.get(tier="grade1").amount == Decimal("100.00")


def test_rates_and_switches_start_on_the_first_of_a_month(programs):
    """The judge reads them on each month's first day: a mid-month date is refused by the database and the admin."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from subsidies.models import ProgramParameter, ProgramRate

    rate = ProgramRate(program=programs["nursing"], tier="grade2", effective_from=date(2027, 1, 15), amount=90)
    with pytest.raises(ValidationError, match="生效日期须为某月1日"):
        rate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        rate.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramParameter.objects.create(
            program=programs["living"], key="extend_marginal", effective_from=date(2026, 3, 2), value=1
        )
    ProgramRate.objects.create(program=programs["nursing"], tier="grade2", effective_from=date(2027, 2, 1), amount=90)


def test_the_admin_accepts_only_the_rules_tiers_and_parameter_keys(programs):
    from django.core.exceptions import ValidationError

    from subsidies.models import ProgramParameter, ProgramRate

    day = date(2027, 1, 1)
    with pytest.raises(ValidationError) as error:
        ProgramRate(program=programs["nursing"], tier="grade_2", effective_from=day, amount=90).full_clean()
    assert "tier" in error.value.message_dict and "grade2" in error.value.message_dict["tier"][0]
    with pytest.raises(ValidationError) as error:
        ProgramParameter(program=programs["living"], key="extend_marginals", effective_from=day, value=1).full_clean()
    assert "key" in error.value.message_dict and "extend_marginal" in error.value.message_dict["key"][0]
    ProgramRate(program=programs["nursing"], tier="grade2", effective_from=day, amount=90).full_clean()
    ProgramParameter(program=programs["living"], key="extend_marginal", effective_from=day, value=1).full_clean()
