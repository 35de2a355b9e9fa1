"""The 人社 work-injury care list: recorded as dated exclusions (kind work_injury) through the registry's exclusion
services; the nursing allowance stops and what was paid while the care allowance was received is recovered.
Runs where the registry has exclusions (PersonExclusion)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from cases.comparison.schema import injury_supported
from fedportal.accounts.models import Role
from fedportal.core.clock import local_today
from fedportal.core.dates import add_months
from tests.cases.comparison_fixtures import apply, compare, list_file

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not injury_supported(), reason="the registry has no dated exclusions yet"),
]


def _months():
    current = local_today().replace(day=1)
    return [add_months(current, -offset) for offset in (3, 2, 1, 0)]


def test_injury_start_stops_nursing_and_recovers_and_injury_end_closes_it(make_holder, enroll, compute, users):
    from cases.models import PersonExclusion

    m3, m2, m1, current = _months()
    person = make_holder(grade=2)
    enroll(person, "nursing", start=m3)
    for month in (m3, m2, m1):
        compute("nursing", month, approve=True)
    row = {"身份证号": person.id_number, "姓名": person.name, "起始日期": m2.isoformat()}
    comparison = compare("injury", list_file("injury", row), user=users[Role.CASEWORKER])
    finding = comparison.findings.get()
    assert finding.kind == "injury_start" and finding.change == {"date": m2.isoformat()}
    assert finding.effects == [
        {
            "program": "护理补贴",
            "stop": f"{current:%Y-%m}",
            "recover": [f"{m2:%Y-%m}", f"{m1:%Y-%m}"],
            "amount": "160.00",
        }
    ]
    apply(comparison, user=users[Role.REVIEWER])
    exclusion = PersonExclusion.objects.get(person=person)
    assert (exclusion.kind, exclusion.start_date, exclusion.end_date) == ("work_injury", m2, None)
    assert "测试名单" in exclusion.source
    run = compute("nursing", current)
    assert sum(line.amount for line in run.lines.filter(kind="recovery")) == Decimal("160.00")

    again = compare("injury", list_file("injury", row), user=users[Role.CASEWORKER])
    assert again.findings_count == 0

    end = local_today() - timedelta(days=1)
    ended = compare("injury", list_file("injury", {**row, "终止日期": end.isoformat()}), user=users[Role.CASEWORKER])
    finding = ended.findings.get()
    assert finding.kind == "injury_end" and finding.change == {"date": end.isoformat(), "exclusion": exclusion.pk}
    apply(ended, user=users[Role.REVIEWER])
    exclusion.refresh_from_db()
    assert exclusion.end_date == end
