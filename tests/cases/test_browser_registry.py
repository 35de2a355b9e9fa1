"""A caseworker registers a person with a household, issues a certificate, renews it and finds the person by its number."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from cases.models import Person
from certificates.models import Assessment, Certificate, CertificateStatus
from certificates.services import assessment_review
from fedportal.accounts.models import Role
from fedportal.core.clock import local_today
from tests.factories import make_id_number

pytestmark = pytest.mark.browser


def field(page, label):
    """A form field by its exact label; crispy appends an asterisk to required ones."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}"))


def test_register_issue_renew_and_find(page, login, users, village):
    caseworker, reviewer = users[Role.CASEWORKER], users[Role.REVIEWER]
    id_number = make_id_number(birth=date(1988, 3, 14), sequence=321)
    login(caseworker)

    # Register a new person with a new household.
    page.goto("/persons/new/")
    field(page, "身份证号").fill(id_number.lower())
    field(page, "姓名").fill("陈小明")
    field(page, "联系电话").fill("13512345678")
    field(page, "村(社区)").select_option(label=f"{village.township.name} · {village.name}")
    field(page, "户籍编号").fill("HH-BROWSER-1")
    field(page, "与户主关系").select_option(label="户主")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/persons/*/")
    assert page.get_by_test_id("person-name").inner_text() == "陈小明"
    person = Person.objects.get(id_number=id_number)
    assert person.household.register_number == "HH-BROWSER-1"

    # Record the assessment; the county reviewer approves it after the public notice.
    assessed_on = local_today() - timedelta(days=40)
    page.get_by_role("link", name="登记评残").click()
    field(page, "评定医院").fill("县人民医院")
    field(page, "评定医师").fill("王医生")
    field(page, "评定日期").fill(assessed_on.isoformat())
    field(page, "残疾类别").select_option(label="肢体")
    field(page, "残疾等级").select_option(label="三级")
    field(page, "公示开始日期").fill(assessed_on.isoformat())
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/persons/{person.pk}/")
    assessment = Assessment.objects.get(person=person)
    assessment_review(
        assessment=assessment, reviewed_on=assessment.notice_end + timedelta(days=1), acting_user=reviewer
    )

    # Issue a 2nd-generation card, then renew it as a 3rd-generation card.
    issued_on = assessment.notice_end + timedelta(days=2)
    page.reload()
    page.get_by_role("link", name="新办").click()
    field(page, "评定结果").select_option(index=1)
    field(page, "发证日期").fill(issued_on.isoformat())
    field(page, "证件代别").select_option(label="第二代")
    page.get_by_role("button", name="发证").click()
    page.wait_for_url(f"**/persons/{person.pk}/")
    assert "肢体 · 三级" in page.get_by_test_id("certificate-card").inner_text()

    page.get_by_role("link", name="换领").click()
    field(page, "换领日期").fill(local_today().isoformat())
    field(page, "证件代别").select_option(label="第三代")
    page.get_by_role("button", name="换领").click()
    page.wait_for_url(f"**/persons/{person.pk}/")
    assert "第三代" in page.get_by_test_id("certificate-card").inner_text()
    assert "换领" in page.get_by_test_id("timeline").inner_text()
    active = Certificate.objects.get(person=person, status=CertificateStatus.ACTIVE)
    assert active.number == id_number + "43"
    assert Certificate.objects.filter(person=person, status=CertificateStatus.SUPERSEDED).count() == 1

    # Find the person by the certificate number.
    page.goto("/persons/")
    page.get_by_role("searchbox", name="查询").fill(active.number)
    page.get_by_role("button", name="查询", exact=True).click()
    table = page.get_by_test_id("person-table")
    expect(table.get_by_role("link", name="陈小明")).to_be_visible()
    # The search was posted and kept under a token: the number is not in the address (nor history, nor logs).
    assert "s=" in page.url and active.number not in page.url and id_number not in page.url
    table.get_by_role("link", name="陈小明").click()
    page.wait_for_url(f"**/persons/{person.pk}/")
