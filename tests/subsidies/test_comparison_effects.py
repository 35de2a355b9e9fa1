"""What an agency comparison does to money: the effect shown on each finding comes from the rules (stops,
recoveries, resumed payments, 应补尽补 candidates), and after applying, the next draft run and the
dynamic-management page show those stops and recoveries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.comparison import describe
from cases.models import ComparisonOrigin, PovertyStatus
from fedportal.accounts.models import Role
from fedportal.core.clock import local_today
from fedportal.core.dates import add_months
from subsidies.models import Application, LineKind
from subsidies.selectors import dynamic_management
from tests.cases.comparison_fixtures import apply, compare, list_file

from .conftest import lines_of, stops_of

pytestmark = pytest.mark.django_db


def _months():
    current = local_today().replace(day=1)
    return [add_months(current, -offset) for offset in (3, 2, 1, 0)]


@pytest.fixture
def paid_three_months(compute):
    """Approved runs of the given program for the three months before this one."""

    def run(code):
        for month in _months()[:3]:
            compute(code, month, approve=True)

    return run


def test_a_death_recorded_late_stops_from_the_next_unpaid_month_and_recovers_what_was_paid_after(
    make_holder, enroll, paid_three_months, compute, users, programs
):
    m3, m2, m1, current = _months()
    person = make_holder(grade=2)  # nursing grade 2: 80 a month
    enroll(person, "nursing", start=m3)
    paid_three_months("nursing")
    death = m3 + timedelta(days=14)  # paid for m3 (alive on its first day), not for m2 and m1
    content = list_file("deaths", {"身份证号": person.id_number, "姓名": person.name, "死亡日期": death.isoformat()})
    comparison = compare("deaths", content, user=users[Role.CASEWORKER], origin=ComparisonOrigin.WEB)
    finding = comparison.findings.get()
    assert finding.effects == [
        {
            "program": "护理补贴",
            "stop": f"{current:%Y-%m}",
            "recover": [f"{m2:%Y-%m}", f"{m1:%Y-%m}"],
            "amount": "160.00",
        }
    ]
    assert describe.effect_text(finding.effects) == (
        f"{current:%Y-%m} 起停发护理补贴；追回 {m2:%Y-%m}、{m1:%Y-%m} 共 160.00 元"
    )
    # The what-if was rolled back: nothing recorded before applying.
    person.refresh_from_db()
    assert person.death_date is None and person.certificates.get().status == "active"

    apply(comparison, user=users[Role.REVIEWER])
    run = compute("nursing", current)
    assert lines_of(run, LineKind.RECOVERY) == {
        (person.pk, f"{m2:%Y-%m}", LineKind.RECOVERY): Decimal("80.00"),
        (person.pk, f"{m1:%Y-%m}", LineKind.RECOVERY): Decimal("80.00"),
    }
    assert list(stops_of(run)) == [person.pk] and "death" in stops_of(run)[person.pk]
    page = dynamic_management(user=users[Role.CASEWORKER], program=programs["nursing"], on=current)
    assert [row["person"].pk for row in page["not_qualifying"]] == [person.pk]
    assert "死亡" in page["not_qualifying"][0]["reasons"]


def test_a_roll_that_no_longer_carries_dibao_stops_the_living_allowance(
    make_holder, enroll, paid_three_months, compute, users
):
    m3, m2, m1, current = _months()
    person = make_holder(grade=4, poverty=PovertyStatus.DIBAO)
    other = make_holder(grade=4, poverty=PovertyStatus.DIBAO)
    enroll(person, "living", start=m3)
    enroll(other, "living", start=m3)
    paid_three_months("living")
    as_of = m2 + timedelta(days=9)  # ended from the list's date: not 低保 on the first of m1
    content = list_file(
        "poverty",
        {"身份证号": other.id_number, "姓名": other.name, "救助类型": "低保", "起始日期": "2015-01-01"},
    )
    comparison = compare("poverty", content, user=users[Role.CASEWORKER], as_of=as_of)
    finding = comparison.findings.get()
    assert finding.person == person and finding.kind == "poverty_end"
    assert finding.effects == [
        {"program": "生活补贴", "stop": f"{current:%Y-%m}", "recover": [f"{m1:%Y-%m}"], "amount": "80.00"}
    ]
    apply(comparison, user=users[Role.REVIEWER])
    run = compute("living", current)
    assert stops_of(run) == {person.pk: ["not_dibao"]}
    assert lines_of(run, LineKind.RECOVERY) == {(person.pk, f"{m1:%Y-%m}", LineKind.RECOVERY): Decimal("80.00")}


def test_extreme_poverty_stops_both_allowances(make_holder, enroll, paid_three_months, users):
    _m3, _m2, m1, current = _months()
    person = make_holder(grade=1, poverty=PovertyStatus.DIBAO)
    enroll(person, "living", start=_m3)
    enroll(person, "nursing", start=_m3)
    paid_three_months("living")
    paid_three_months("nursing")
    content = list_file(
        "poverty",
        {"身份证号": person.id_number, "姓名": person.name, "救助类型": "特困供养", "起始日期": m1.isoformat()},
    )
    finding = compare("poverty", content, user=users[Role.CASEWORKER]).findings.get()
    assert finding.kind == "poverty_change"
    by_program = {effect["program"]: effect for effect in finding.effects}
    assert by_program["生活补贴"]["stop"] == by_program["护理补贴"]["stop"] == f"{current:%Y-%m}"
    assert by_program["护理补贴"]["recover"] == [f"{m1:%Y-%m}"] and by_program["护理补贴"]["amount"] == "100.00"


def test_no_money_effect_is_said_in_words(make_holder, users):
    person = make_holder(grade=4)
    content = list_file("deaths", {"身份证号": person.id_number, "姓名": person.name, "死亡日期": "2026-01-02"})
    finding = compare("deaths", content, user=users[Role.CASEWORKER]).findings.get()
    assert finding.effects == [] and describe.effect_text(finding.effects) == "不影响补贴发放"


def test_dibao_on_the_roll_makes_a_candidate_with_a_one_click_application(make_holder, users, client, programs):
    person = make_holder(grade=3)
    enrolled = make_holder(grade=3, poverty=PovertyStatus.DIBAO)
    from subsidies.models import Enrollment

    Enrollment.objects.create(person=enrolled, program=programs["living"], start_month=date(2026, 1, 1))
    start = local_today() - timedelta(days=5)
    content = list_file(
        "poverty",
        {"身份证号": person.id_number, "姓名": person.name, "救助类型": "低保", "起始日期": start.isoformat()},
        {"身份证号": enrolled.id_number, "姓名": enrolled.name, "救助类型": "低保", "起始日期": "2015-01-01"},
    )
    caseworker, reviewer = users[Role.CASEWORKER], users[Role.REVIEWER]
    comparison = compare("poverty", content, user=caseworker, origin=ComparisonOrigin.WEB)
    finding = comparison.findings.get()
    assert finding.person == person
    assert {"program": "生活补贴", "candidate": True} in finding.effects
    apply(comparison, user=reviewer)

    client.force_login(reviewer)
    page = client.get(reverse("cases:comparison_detail", args=[comparison.pk]))
    body = page.content.decode()
    assert (
        'data-testid="candidates"' in body and person.name in body and enrolled.name not in body.split("candidates")[-1]
    )
    url = reverse("subsidies:comparison_candidate_apply", args=[comparison.pk, person.pk])
    response = client.post(url)
    assert response.status_code == 302
    application = Application.objects.get(person=person, program=programs["living"])
    assert application.applied_on == local_today() and f"#{comparison.pk}" in application.comment
    # Applied once: the candidate is gone and a second click creates nothing.
    client.post(url)
    assert Application.objects.filter(person=person).count() == 1
    assert (
        'data-testid="no-candidates"'
        in client.get(reverse("cases:comparison_detail", args=[comparison.pk])).content.decode()
    )
