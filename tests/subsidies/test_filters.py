"""The filters the dashboards link with: dynamic management by township and by half (应享未享 / 应退未退), and the
payment run's line list by township. A township liaison is confined to their own township whatever the query says."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import links
from fedportal.accounts.models import Role
from fedportal.jobs.services import job_execute
from subsidies import selectors
from subsidies.services import payment_run_recompute

pytestmark = pytest.mark.django_db

DYNAMIC = "subsidies:dynamic_management"


@pytest.fixture
def gaps(programs, make_holder, enroll, other_village):
    """In each township one person who qualifies for nursing but is not enrolled and one enrolled who no longer does."""
    people = {
        "missing_a": make_holder(grade=1, name="甲镇应享"),
        "excess_a": make_holder(grade=3, name="甲镇应退"),
        "missing_b": make_holder(grade=1, name="乙镇应享", village_=other_village),
        "excess_b": make_holder(grade=3, name="乙镇应退", village_=other_village),
    }
    enroll(people["excess_a"], "nursing")
    enroll(people["excess_b"], "nursing")
    return people


def _names(response) -> set[str]:
    return set(re.findall(r"[甲乙]镇应[享退]", response.content.decode()))


def test_county_user_picks_a_township(client, caseworker, gaps, other_township):
    client.force_login(caseworker)
    everything = client.get(reverse(DYNAMIC), {"program": "nursing", "on": "2026-03-01"})
    assert _names(everything) == {"甲镇应享", "甲镇应退", "乙镇应享", "乙镇应退"}
    page = everything.content.decode()
    assert re.search(r'<label[^>]*for="id_township"', page) and "全部乡镇" in page and "向塘镇" in page

    one = client.get(reverse(DYNAMIC), {"program": "nursing", "on": "2026-03-01", "township": other_township.pk})
    assert _names(one) == {"乙镇应享", "乙镇应退"}


def test_a_liaison_asking_for_another_township_still_sees_only_their_own(client, liaison, gaps, other_township):
    client.force_login(liaison)
    response = client.get(reverse(DYNAMIC), {"program": "nursing", "on": "2026-03-01", "township": other_township.pk})
    assert response.status_code == 200
    assert _names(response) == {"甲镇应享", "甲镇应退"}
    select = re.search(r'<select[^>]*name="township"[^>]*>.*?</select>', response.content.decode(), re.S).group(0)
    assert "disabled" in select and "莲塘镇" in select and "向塘镇" not in select


def test_the_selector_confines_a_liaison_whatever_it_is_given(liaison, gaps, programs, township, other_township):
    result = selectors.dynamic_management(
        user=liaison, program=programs["nursing"], on=date(2026, 3, 1), township_id=other_township.pk
    )
    assert result["township_id"] == township.pk
    assert [row["person"].name for row in result["qualifying"]] == ["甲镇应享"]
    assert [row["person"].name for row in result["not_qualifying"]] == ["甲镇应退"]


@pytest.mark.parametrize(("view", "expected"), [("missing", {"乙镇应享"}), ("excess", {"乙镇应退"})])
def test_dashboard_links_open_one_half_for_one_township(client, caseworker, gaps, other_township, view, expected):
    url = links.dynamic_management(program_code="nursing", view=view, township_id=other_township.pk)
    assert f"view={view}" in url and f"township={other_township.pk}" in url
    client.force_login(caseworker)
    response = client.get(url)
    assert _names(response) == expected
    page = response.content.decode()
    assert ('id="qualifying"' in page) == (view == "missing")
    assert ('id="not-qualifying"' in page) == (view == "excess")


def _lines_table(response) -> str:
    return re.search(r'<table[^>]*data-testid="run-lines".*?</table>', response.content.decode(), re.S).group(0)


def test_run_lines_filter_by_township(client, make_holder, enroll, compute, finance, township, other_village):
    enroll(make_holder(grade=1, name="莲塘甲"), "nursing", start=date(2026, 1, 1))
    enroll(make_holder(grade=2, name="向塘乙", village_=other_village), "nursing", start=date(2026, 1, 1))
    run = compute("nursing", date(2026, 1, 1))
    client.force_login(finance)
    url = reverse("subsidies:payment_run_detail", args=[run.pk])

    everything = client.get(url)
    assert "莲塘甲" in _lines_table(everything) and "向塘乙" in _lines_table(everything)
    assert re.search(r'<label[^>]*for="id_township"', everything.content.decode())

    one = client.get(url, {"township": other_village.township_id})
    table = _lines_table(one)
    assert "向塘乙" in table and "莲塘甲" not in table
    assert "发放明细（1）" in one.content.decode()

    # The dashboards link a run's figure with the township it was counted for.
    link = links.payment_run(run_id=run.pk, program_code="nursing", township_id=township.pk)
    table = _lines_table(client.get(link))
    assert "莲塘甲" in table and "向塘乙" not in table

    bogus = client.get(url, {"township": 999999})
    assert bogus.status_code == 200 and "莲塘甲" not in _lines_table(bogus)


def test_run_detail_query_count_does_not_grow_with_lines(client, make_holder, enroll, compute, finance, other_village):
    enroll(make_holder(grade=1), "nursing", start=date(2026, 1, 1))
    enroll(make_holder(grade=1, village_=other_village), "nursing", start=date(2026, 1, 1))
    run = compute("nursing", date(2026, 1, 1))
    client.force_login(finance)
    url = reverse("subsidies:payment_run_detail", args=[run.pk])
    query = {"township": other_village.township_id}

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, query).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for _ in range(4):
        # Back pay from December adds a second line per person.
        enroll(make_holder(grade=2, village_=other_village), "nursing", start=date(2025, 12, 1))
    payment_run_recompute(run=run, acting_user=finance)
    run.refresh_from_db()
    assert job_execute(run.job_id).status == "succeeded"
    assert run.lines.filter(township_id=other_village.township_id).count() > 4
    assert count() == before


@pytest.mark.django_db
def test_the_run_list_filters_by_program_period_and_status(client, programs, make_user):
    from datetime import date

    from subsidies.models import PaymentRun, RunStatus

    finance = make_user(Role.FINANCE, "finance-list")
    nursing, living = programs["nursing"], programs["living"]
    jan = PaymentRun.objects.create(
        program=nursing, period=date(2026, 1, 1), as_of=date(2026, 1, 1), created_by=finance, status=RunStatus.APPROVED
    )
    feb = PaymentRun.objects.create(
        program=nursing, period=date(2026, 2, 1), as_of=date(2026, 2, 1), created_by=finance
    )
    other = PaymentRun.objects.create(
        program=living, period=date(2026, 1, 1), as_of=date(2026, 1, 1), created_by=finance
    )
    client.force_login(finance)

    def listed(**params):
        response = client.get(reverse("subsidies:payment_run_list"), params)
        return {run.pk for run in response.context["runs"]}

    assert listed() == {jan.pk, feb.pk, other.pk}
    assert listed(program="nursing") == {jan.pk, feb.pk}
    assert listed(program="nursing", period="2026-01", status="approved") == {jan.pk}
    assert listed(period="2026") == {jan.pk, feb.pk, other.pk}
    assert listed(period="2026-13") == set()  # an invalid period shows the error, not everything
