"""The pages of the payment loop: review sections (paginated, filtered, tier labels), the approval confirmation,
sheet and PDF jobs, the return upload, the held payments with their account correction, the person's history and
the dashboard's failed payments."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboards.sections import LinkRights, dashboard_sections
from dashboards.selectors import dashboard_figures
from fedportal.accounts.models import Role
from fedportal.jobs.models import Job
from fedportal.jobs.services import job_execute
from subsidies.models import BankReturn, BankReturnStatus, LineKind, PaymentResult, RunStatus

from .test_bank_returns import number_of, return_file, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def persons(make_holder, enroll, other_village):
    made = [make_holder(grade=1, name="莲塘一级", social_security_card="6217000011110001", bank_name="农商银行")]
    made += [make_holder(grade=2, name=f"向塘二级{i}", village_=other_village) for i in range(55)]
    for person in made:
        enroll(person, "nursing", start=date(2026, 1, 1))
    return made


def _table(response, testid) -> str:
    return re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', response.content.decode(), re.S).group(0)


def test_review_sections_are_paginated_filtered_and_show_tier_labels(client, persons, compute, finance, other_village):
    run = compute("nursing", date(2026, 1, 1))
    client.force_login(finance)
    url = reverse("subsidies:payment_run_detail", args=[run.pk])
    first = client.get(url, {"section": "new"})
    body = first.content.decode()
    assert "新增（56）" in body and "第 1 / 2 页" in body
    table = _table(first, "run-section-new")
    assert "一级" in table and "二级" in table and "grade1" not in table and "grade2" not in table
    assert table.count("<tr>") == 51  # header + 50 rows
    one = client.get(url, {"section": "new", "q": "莲塘"})
    assert "莲塘一级" in _table(one, "run-section-new") and "向塘二级" not in _table(one, "run-section-new")
    assert "新增（1）" in one.content.decode()
    by_id = client.get(url, {"section": "lines", "q": persons[3].id_number[-6:]})
    assert persons[3].name in _table(by_id, "run-lines") and "莲塘一级" not in _table(by_id, "run-lines")
    township = client.get(url, {"section": "new", "township": other_village.township_id, "page": 2})
    assert "莲塘一级" not in _table(township, "run-section-new")
    for section in ("stops", "changed", "backpay", "recovery", "resend"):
        assert client.get(url, {"section": section}).status_code == 200


def test_approval_asks_for_confirmation_with_lines_and_total(
    client, persons, compute, finance, finance2, make_holder, enroll
):
    run = compute("nursing", date(2026, 1, 1))
    client.force_login(finance2)
    url = reverse("subsidies:payment_run_approve", args=[run.pk])
    page = client.get(url).content.decode()
    assert re.search(r'data-testid="approve-lines">\s*56<', page)
    assert re.search(r'data-testid="approve-total">\s*4500\.00<', page)
    figures = {"expected_lines": run.lines_count, "expected_total": str(run.total)}
    client.post(url, figures)  # without the confirmation box
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    # Recomputed after the approver looked: refused.
    enroll(make_holder(grade=1), "nursing", start=date(2026, 1, 1))
    compute("nursing", date(2026, 1, 1))
    response = client.post(url, {**figures, "confirm": "on"}, follow=True)
    assert "已重新计算" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    client.post(url, {"expected_lines": run.lines_count, "expected_total": str(run.total), "confirm": "on"})
    # The approval is a job (freezing a county's lines takes too long for a request): the run page shows it.
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    job = Job.objects.get(kind="subsidies.payment_run_approve", params__run_id=run.pk)
    detail = client.get(reverse("subsidies:payment_run_detail", args=[run.pk])).content.decode()
    assert "审批并锁定" not in detail and f'id="job-progress-{job.pk}"' in detail
    # A second approval while the first is queued is refused.
    again = client.post(url, {"expected_lines": run.lines_count, "expected_total": str(run.total), "confirm": "on"})
    assert Job.objects.filter(kind="subsidies.payment_run_approve").count() == 1 and again.status_code == 200
    assert job_execute(job.pk).status == "succeeded"
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED and run.approved_by == finance2


def test_an_approval_job_refused_under_the_lock_leaves_the_draft(client, persons, compute, finance2):
    run = compute("nursing", date(2026, 1, 1))
    client.force_login(finance2)
    url = reverse("subsidies:payment_run_approve", args=[run.pk])
    client.post(url, {"expected_lines": run.lines_count, "expected_total": str(run.total), "confirm": "on"})
    job = Job.objects.get(kind="subsidies.payment_run_approve", params__run_id=run.pk)
    compute("nursing", date(2026, 1, 1))  # recomputed after the approval was asked for, before the job ran
    run.refresh_from_db()
    if run.lines_count == job.params["expected_lines"]:
        run.total += 1  # the same lines: change the figure the approver confirmed instead
        run.save(update_fields=["total"])
    finished = job_execute(job.pk)
    assert finished.status == "failed" and "重新计算" in finished.error
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT and run.approved_by is None


def test_sheets_and_pdfs_are_jobs_named_after_what_they_hold(client, persons, compute, finance, township):
    run = compute("nursing", date(2026, 1, 1), approve=True)
    client.force_login(finance)
    export = reverse("subsidies:payment_run_export", args=[run.pk])
    client.post(export, {"format": "pdf", "township": township.pk})
    client.post(export, {"format": "xlsx", "bank": "bank:农商银行"})
    jobs = list(Job.objects.filter(kind="subsidies.payment_sheet").order_by("pk"))
    for job in jobs:
        assert job_execute(job.pk).status == "succeeded", job.error
        job.refresh_from_db()
    assert jobs[0].result["file"] == f"护理补贴-2026-01-批次{run.pk}-{township.name}.pdf"
    assert jobs[0].result_file.read()[:4] == b"%PDF"
    assert jobs[1].result["file"].endswith("-农商银行.xlsx") and jobs[1].result["lines"] == 1
    page = client.get(reverse("subsidies:payment_run_detail", args=[run.pk])).content.decode()
    assert page.count('class="job-progress"') == 3 and "下载结果文件" in page


def test_return_upload_runs_as_a_job_and_the_person_page_shows_the_history(
    client, persons, compute, finance, make_user, admin_user
):
    run = compute("nursing", date(2026, 1, 1), approve=True)
    failed = persons[1]
    content = return_file(sheet_rows(run, finance), failed={number_of(run, failed): "账户已销户"})
    client.force_login(finance)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("subsidies:bank_return_upload", args=[run.pk]),
        {"file": SimpleUploadedFile("回盘.xlsx", content), "bank": ""},
    )
    bank_return = BankReturn.objects.get()
    assert response.url == reverse("subsidies:bank_return_detail", args=[bank_return.pk])
    assert job_execute(bank_return.job_id).status == "succeeded"
    page = client.get(response.url).content.decode()
    assert "已登记" in page and "失败 1 笔 80.00 元" in page and "账户已销户" in page
    assert client.get(reverse("subsidies:bank_return_file", args=[bank_return.pk])).status_code == 200

    held = client.get(reverse("subsidies:failed_payment_list"))
    assert failed.name in _table(held, "failed-payments") and "待更正账户" in _table(held, "failed-payments")
    person_page = client.get(reverse("cases:person_detail", args=[failed.pk])).content.decode()
    history = re.search(r'<table[^>]*data-testid="person-payments".*?</table>', person_page, re.S).group(0)
    assert "失败，待更正账户后重发" in history and "账户已销户" in history and f"#{run.pk}" in history

    # Finance corrects the account from the list; the next run pays it again.
    account_url = reverse("subsidies:failed_payment_account", args=[run.lines.get(person=failed).pk])
    failed.refresh_from_db()
    same = client.post(account_url, {"social_security_card": "", "bank_name": "农商银行", "version": failed.version})
    assert same.status_code == 200
    client.post(
        account_url, {"social_security_card": "6230000099998888", "bank_name": "农商银行", "version": failed.version}
    )
    failed.refresh_from_db()
    assert failed.social_security_card == "6230000099998888"
    held = client.get(reverse("subsidies:failed_payment_list"), {"status": "corrected"})
    assert "账户已更正，待重发" in _table(held, "failed-payments")
    february = compute("nursing", date(2026, 2, 1))
    assert february.lines.filter(kind=LineKind.RESEND, person=failed).count() == 1
    review = client.get(reverse("subsidies:payment_run_detail", args=[february.pk]), {"section": "resend"})
    assert "重发（1）" in review.content.decode() and "账户已销户" in _table(review, "run-section-resend")

    # The dashboard counts it, linked to the list behind.
    figures = dashboard_figures(township_id=None, today=date(2026, 3, 10), refresh=True)
    section = next(
        s for s in dashboard_sections(figures, rights=LinkRights.for_user(finance)) if s["key"] == "failed_payments"
    )
    first_row = section["tables"][0]["rows"][0]
    jan = next(c for c in first_row["cells"] if c["value"] == 1)
    assert "month=2026-01" in jan["url"] and "status=all" in jan["url"]
    listed = client.get(jan["url"])
    assert failed.name in _table(listed, "failed-payments")


def test_a_bad_return_shows_its_errors_and_records_nothing(client, persons, compute, finance):
    run = compute("nursing", date(2026, 1, 1), approve=True)
    content = return_file(sheet_rows(run, finance), edit=lambda r: [*r[:8], 1, *r[9:]] if r[0] == 2 else r)
    client.force_login(finance)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(reverse("subsidies:bank_return_upload", args=[run.pk]), {"file": SimpleUploadedFile("x.xlsx", content)})
    bank_return = BankReturn.objects.get()
    job = job_execute(bank_return.job_id)
    assert job.status == "failed" and "1 处错误" in job.error
    bank_return.refresh_from_db()
    assert bank_return.status == BankReturnStatus.INVALID and not PaymentResult.objects.exists()
    page = client.get(reverse("subsidies:bank_return_detail", args=[bank_return.pk]))
    errors = _table(page, "return-errors")
    assert "金额与发放表不符" in errors and "<td>3</td>" in errors


def test_leaders_see_runs_but_never_upload_returns(client, users, persons, compute):
    run = compute("nursing", date(2026, 1, 1), approve=True)
    client.force_login(users[Role.LEADER])
    assert client.post(reverse("subsidies:bank_return_upload", args=[run.pk])).status_code == 403
    assert Decimal(run.total) > 0
