"""The yearly and half-year work reports' sections for the grants and the community records: a small county (the
community figures' county of tests/community/test_figures.py, plus grants paid through approved runs), every figure
of those sections checked against the records, and the dashboard linking each figure to its list."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from certificates.models import Assessment
from dashboards.reports import build_work_report, write_xlsx
from fedportal.accounts.models import Role
from fedportal.core.clock import local_today
from fedportal.jobs.services import job_execute
from subsidies.models import Enrollment
from subsidies.services import (
    application_decide,
    application_submit,
    application_township_check,
    payment_run_approve,
    payment_run_create,
)
from tests.community.test_figures import YEAR, county  # noqa: F401 - the fixture
from tests.factories import HolderFactory, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def grants(county, users, programs, make_user, village, other_village):  # noqa: F811 - the imported fixture
    """Approved runs of YEAR: two 创业补贴 (5,000 each), three 慰问金 over two occasions (one person twice), one
    评定补贴, and two months of 服药补助 for one person; and a 创业补贴 of the next year, not counted."""
    finance, finance2 = make_user(Role.FINANCE, "finance"), make_user(Role.FINANCE, "finance2")
    a = [
        HolderFactory(village=village, id_number=make_id_number(birth=date(1985, 1, i + 1), sequence=700 + i))
        for i in range(3)
    ]
    b = HolderFactory(village=other_village, id_number=make_id_number(birth=date(1986, 2, 2), sequence=710))
    mental = HolderFactory(village=village, category=6, grade=2)

    def grant(person, code, applied_on, **fields):
        application = application_submit(
            person=person, program=programs[code], applied_on=applied_on, acting_user=users[Role.CASEWORKER], **fields
        )
        checker = (
            users[Role.LIAISON] if person.township_id == users[Role.LIAISON].township_id else users[Role.CASEWORKER]
        )
        application_township_check(application=application, acting_user=checker)
        application_decide(application=application, acting_user=users[Role.REVIEWER], approve=True)

    def pay(code, period):
        run = payment_run_create(program=programs[code], period=period, acting_user=finance)
        assert job_execute(run.job_id).status == "succeeded"
        run.refresh_from_db()
        return payment_run_approve(run=run, acting_user=finance2)

    grant(a[0], "self_employment", date(YEAR, 3, 5))
    grant(b, "self_employment", date(YEAR, 3, 6))
    pay("self_employment", date(YEAR, 3, 1))
    grant(a[0], "holiday", date(YEAR, 1, 20), occasion="春节慰问")
    grant(a[1], "holiday", date(YEAR, 1, 20), occasion="春节慰问")
    pay("holiday", date(YEAR, 1, 1))
    grant(a[0], "holiday", date(YEAR, 5, 15), occasion="助残日慰问")
    pay("holiday", date(YEAR, 5, 1))
    Assessment.objects.create(
        person=a[2], hospital="县人民医院", assessor="王医生", assessed_on=date(YEAR, 9, 1), category=4, grade=3
    )
    grant(a[2], "assessment", date(YEAR, 9, 2), occasion="评残")
    pay("assessment", date(YEAR, 9, 1))
    Enrollment.objects.create(person=mental, program=programs["medication"], start_month=date(YEAR, 11, 1))
    pay("medication", date(YEAR, 12, 1))  # November as back pay, December current
    grant(a[1], "self_employment", date(YEAR + 1, 1, 5))
    pay("self_employment", date(YEAR + 1, 1, 1))
    return {"a": a, "b": b, "mental": mental}


def _figures(report, key) -> dict:
    section = next(s for s in report.sections if s["key"] == key)
    rows = section["tables"][0]["rows"] + ([section["tables"][0]["total"]] if section["tables"][0]["total"] else [])
    return {r["header"]: [c["value"] for c in r["cells"]] for r in rows}


def test_yearly_report_every_figure_from_the_records(grants):
    report = build_work_report(year=YEAR, half=False, township_id=None, today=local_today(), title="年度工作报告")
    assert _figures(report, "grants") == {
        "创业补贴": [2, 2, Decimal("10000.00")],
        "节日慰问金": [2, 3, Decimal("1500.00")],
        "评定补贴": [1, 1, Decimal("150.00")],
        "服药补助": [1, 2, Decimal("200.00")],
        "合计": [5, 8, Decimal("11850.00")],
    }
    assert _figures(report, "community-employment") == {
        "职业技能培训班次": [2],
        "培训人次": [4],
        "培训人数": [3],
        "专场招聘会": [1],
        "提供岗位": [120],
        "推荐就业人次": [2],
        "稳岗就业人数": [1],
        "庇护性就业人数": [0],
    }
    assert _figures(report, "community-relief") == {
        "走访慰问人次": [4],
        "走访慰问户数": [3],
        "慰问金(元)": [Decimal("2100.00")],
        "慰问物资折款(元)": [Decimal("300.00")],
    }
    assert _figures(report, "community-legal") == {"受理案件": [2], "法律援助案件": [1], "信访投诉": [1], "办结": [1]}
    assert _figures(report, "community-culture") == {"文体活动场次": [1], "参与人次": [32]}
    assert _figures(report, "community-detection") == {
        "儿童初筛人数": [300],
        "复筛人数": [17],
        "确诊人数": [4],
        "转介康复救助": [3],
        "疑似残疾人筛查上报": [1],
        "转入评残": [1],
    }
    text = "\n".join(report.paragraphs)
    assert "培训 4 人次（3 人）" in text and "推荐就业 2 人次，稳岗就业 1 人" in text
    assert "走访慰问困难残疾人家庭 3 户、4 人次，发放慰问金 2,100 元" in text
    assert "法律援助案件 1 件" in text and "文化体育活动 1 场，参与 32 人次" in text
    assert "初筛 300 人、复筛 17 人、确诊 4 人" in text and "疑似残疾人 1 人" in text
    assert "创业补贴：发放 2 人、2 人次，金额 10,000 元" in text
    assert write_xlsx(report)  # the sections are written as sheets too


def test_half_year_and_township_reports(grants, township):
    half = build_work_report(year=YEAR, half=True, township_id=None, today=local_today(), title="半年工作报告")
    # a0, b and a1; no assessment (September), no medication (December)
    assert _figures(half, "grants")["合计"] == [3, 5, Decimal("11500.00")]
    assert _figures(half, "community-employment")["稳岗就业人数"] == [1]
    assert _figures(half, "community-legal") == {"受理案件": [2], "法律援助案件": [1], "信访投诉": [1], "办结": [0]}
    assert _figures(half, "community-detection")["疑似残疾人筛查上报"] == [0]
    mine = build_work_report(year=YEAR, half=False, township_id=township.pk, today=local_today(), title="乡镇")
    assert _figures(mine, "grants")["创业补贴"] == [1, 1, Decimal("5000.00")]  # b is in the other township
    assert _figures(mine, "community-relief")["走访慰问人次"] == [3]


def test_dashboard_links_each_figure_to_its_list(client, users):
    client.force_login(users[Role.LEADER])
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    year = local_today().year
    for name in ("training_list", "job_fair_list", "referral_list", "relief_list", "case_list", "event_list"):
        assert f'href="{reverse(f"community:{name}")}?year={year}' in page, name
    for name in ("screening_list", "suspected_list"):
        assert f'href="{reverse(f"community:{name}")}?year={year}' in page, name
