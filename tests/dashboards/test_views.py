"""The dashboard page, its scope, its links and cache, the drill-down list and the report centre."""

import re

import pytest
from django.urls import reverse

from dashboards.models import GeneratedReport, ReportKind
from fedportal.accounts.models import Role
from fedportal.jobs.models import Job

pytestmark = pytest.mark.django_db


def _table(html: str, caption_start: str) -> str:
    match = re.search(r"<caption>" + re.escape(caption_start) + r".*?</table>", html, re.S)
    assert match, f"no table captioned {caption_start!r}"
    return match.group(0)


def _cells(table_html: str, row_header: str) -> list[str]:
    match = re.search(r'<th scope="row">' + re.escape(row_header) + r"</th>(.*?)</tr>", table_html, re.S)
    assert match, f"no row {row_header!r}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_leader_sees_county_figures_with_charts_and_links(client, dash_world):
    w = dash_world
    client.force_login(w.users[Role.LEADER])
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') >= 8 and "<title" in html and "<desc" in html
    assert "数据更新于" in html
    matrix = _table(html, "持证残疾人数：残疾类别 × 等级")
    assert _cells(matrix, "肢体") == ["2", "1", "0", "0", "3"]
    assert _cells(matrix, "合计") == ["2", "1", "1", "1", "5"]
    # Every count links to the registry list that reproduces it.
    assert 'href="/persons/?certificate_state=valid&amp;category=4&amp;grade=1"' in matrix
    townships = _table(html, "持证残疾人数：乡镇(街道) × 等级")
    assert _cells(townships, "莲塘镇") == ["1", "1", "1", "0", "3"]
    assert f"/persons/?certificate_state=valid&amp;township={w.township.pk}&amp;grade=1" in townships
    expiring = _table(html, "90天内到期的残疾人证")
    assert _cells(expiring, "合计") == ["2"]
    assert "/persons/?expiring_days=90" in expiring
    # Subsidy figures open the approved run behind them; budgets the budget list.
    amounts = _table(html, "各项目发放金额")
    assert f'href="/subsidies/runs/{w.nursing_prev.pk}/' in amounts
    assert "/subsidies/budgets/?year=" in _table(html, "预算与资金执行")
    # 动态管理 comes after the rest of the page (htmx), from its own cache entry.
    assert 'hx-get="/dashboards/gaps/"' in html
    fragment = client.get(reverse("dashboards:dashboard_gaps"), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    assert _cells(_table(fragment, "动态管理（"), "护理补贴") == ["1", "2", "0"]
    html = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "hx-get" not in html.split("section-gaps", 1)[-1][:200]  # now cached: rendered in the page
    assert _cells(_table(html, "动态管理（"), "护理补贴") == ["1", "2", "0"]


def test_liaison_dashboard_counts_only_their_township(client, dash_world):
    w = dash_world
    client.force_login(w.users[Role.LIAISON])
    # Asking for the other township changes nothing: the liaison is held to their own.
    html = client.get(reverse("dashboards:dashboard"), {"township": w.other_township.pk}).content.decode()
    matrix = _table(html, "持证残疾人数：残疾类别 × 等级")
    assert _cells(matrix, "合计") == ["1", "1", "1", "0", "3"]
    assert "向塘镇" not in html
    assert "乙一" not in html
    gaps = client.get(reverse("dashboards:dashboard_gaps"), {"township": w.other_township.pk}).content.decode()
    assert _cells(_table(gaps, "动态管理（"), "护理补贴") == ["1", "1", "0"]
    events = _table(html, "残疾人证办理")
    assert _cells(events, "新办")[-1] == "2"


def test_township_filter_for_county_users(client, dash_world):
    w = dash_world
    client.force_login(w.users[Role.LEADER])
    html = client.get(reverse("dashboards:dashboard"), {"township": w.other_township.pk}).content.decode()
    assert _cells(_table(html, "持证残疾人数：残疾类别 × 等级"), "合计") == ["1", "0", "0", "1", "2"]
    assert "预算按全县编制" in html


def test_figures_are_cached_until_refreshed(client, dash_world, django_assert_max_num_queries):
    from tests.factories import CertificateFactory, PersonFactory

    w = dash_world
    client.force_login(w.users[Role.LEADER])
    url = reverse("dashboards:dashboard")
    client.get(url)
    with django_assert_max_num_queries(8):  # session, user, townships: no statistics query
        html = client.get(url).content.decode()
    assert _cells(_table(html, "持证残疾人数：残疾类别 × 等级"), "合计")[-1] == "5"
    person = PersonFactory(village=w.a1.village, township=w.township)
    CertificateFactory(person=person, category=2, grade=4)
    html = client.get(url).content.decode()
    assert _cells(_table(html, "持证残疾人数：残疾类别 × 等级"), "合计")[-1] == "5"
    response = client.post(reverse("dashboards:dashboard_refresh"), {"township": ""})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert _cells(_table(html, "持证残疾人数：残疾类别 × 等级"), "合计")[-1] == "6"


def test_certificate_event_drill_down_is_scoped(client, dash_world):
    w = dash_world
    url = reverse("dashboards:certificate_event_list")
    month = f"{w.month:%Y-%m}"
    client.force_login(w.users[Role.LEADER])
    html = client.get(url, {"kind": "issue", "month": month}).content.decode()
    assert "甲一" in html and "甲二" in html and "乙一" not in html
    assert w.a1.id_number not in html  # masked
    client.force_login(w.users[Role.LIAISON])
    html = client.get(url, {"kind": "issue", "month": f"{w.prev:%Y-%m}"}).content.decode()
    assert "乙一" not in html


def test_report_centre_starts_a_job_and_lists_history(client, dash_world, django_capture_on_commit_callbacks):
    w = dash_world
    leader = w.users[Role.LEADER]
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("dashboards:report_list"), {"kind": ReportKind.WORK_YEAR, "year": w.today.year})
    assert response.status_code == 302
    report = GeneratedReport.objects.get()
    assert report.job.kind == "dashboards.work_report" and report.created_by == leader
    assert report.title == f"全县{w.today.year}年度工作报告"
    html = client.get(reverse("dashboards:report_list")).content.decode()
    assert report.title in html and 'role="progressbar"' in html


def test_report_downloads_are_scoped(client, dash_world):
    w = dash_world
    from tests.dashboards.url_samples import _report

    world = type("W", (), {"users": w.users})
    own, other = _report(world, w.township), _report(world, w.other_township)
    client.force_login(w.users[Role.FINANCE])
    assert client.get(reverse("dashboards:report_download", args=[other.pk, "pdf"])).status_code == 200
    assert client.get(reverse("dashboards:report_download", args=[own.pk, "doc"])).status_code == 404
    client.force_login(w.users[Role.LIAISON])  # no REPORT_GENERATE
    assert client.get(reverse("dashboards:report_download", args=[own.pk, "pdf"])).status_code == 403
    assert Job.objects.count() == 0


def test_each_role_gets_the_dashboard_pages_its_capabilities_allow(client, dash_world):
    from fedportal.accounts.permissions import Perm, has_perm

    from .url_samples import build, foreign_samples, samples

    w = dash_world
    world = type("World", (), {"users": w.users, "township": w.township, "other_township": w.other_township})()
    build(world)
    pages = {
        "dashboards:dashboard": ((Perm.DASHBOARD_VIEW,), {}),
        "dashboards:certificate_event_list": ((Perm.DASHBOARD_VIEW, Perm.PERSON_VIEW), {}),
        "dashboards:dashboard_gaps": ((Perm.DASHBOARD_VIEW,), {}),
        "dashboards:report_list": ((Perm.REPORT_GENERATE,), {}),
        "dashboards:report_download": ((Perm.REPORT_GENERATE,), samples(world)["dashboards:report_download"]),
    }
    for role, user in w.users.items():
        client.force_login(user)
        for name, (perms, kwargs) in pages.items():
            status = client.get(reverse(name, kwargs=kwargs or None)).status_code
            expected = 200 if all(has_perm(user, p) for p in perms) else 403
            assert status == expected, (name, role, status)
        refresh = client.get(reverse("dashboards:dashboard_refresh")).status_code
        assert refresh == (405 if has_perm(user, Perm.DASHBOARD_VIEW) else 403)
    client.force_login(w.users[Role.LIAISON])
    foreign = foreign_samples(world)["dashboards:report_download"]
    assert client.get(reverse("dashboards:report_download", kwargs=foreign)).status_code in (403, 404)
    client.logout()
    assert client.get(reverse("dashboards:dashboard")).status_code == 302


def test_event_totals_link_to_the_months_behind_them(client, dash_world):
    from fedportal.core.dates import last_months

    w = dash_world
    client.force_login(w.users[Role.LEADER])
    months = last_months(w.today, 12)
    html = client.get(reverse("dashboards:dashboard")).content.decode()
    href = f"/dashboards/certificate-events/?kind=issue&amp;start={months[0]:%Y-%m}&amp;end={months[-1]:%Y-%m}"
    assert href in html
    listing = client.get(href.replace("&amp;", "&")).content.decode()
    assert "甲一" in listing and "乙一" in listing and "乙二" not in listing  # 乙二's issue is older than 12 months


def test_report_centre_keeps_the_choice_and_offers_every_file_when_done(
    client, dash_world, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    w = dash_world
    client.force_login(w.users[Role.LEADER])
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("dashboards:report_list"), {"kind": ReportKind.WORK_YEAR, "year": w.today.year - 1})
    html = client.get(reverse("dashboards:report_list")).content.decode()
    assert f'<option value="{ReportKind.WORK_YEAR}" selected>' in html
    assert f'value="{w.today.year - 1}"' in html
    # The job ends: its progress box, polled in place, offers the workbook and the PDF at once.
    report = GeneratedReport.objects.get()
    report.xlsx_file.save("r.xlsx", ContentFile(b"x"), save=False)
    report.pdf_file.save("r.pdf", ContentFile(b"%PDF"), save=True)
    report.job.status = "succeeded"
    report.job.save(update_fields=["status"])
    box = client.get(reverse("jobs:job_progress", args=[report.job.pk]), HTTP_HX_REQUEST="true")
    body = box.content.decode()
    assert reverse("dashboards:report_download", args=[report.pk, "xlsx"]) in body
    assert reverse("dashboards:report_download", args=[report.pk, "pdf"]) in body
    assert "HX-Refresh" not in box
