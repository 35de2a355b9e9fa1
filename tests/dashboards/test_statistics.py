"""Each figure against the hand-counted county of conftest.py."""

from decimal import Decimal

import pytest

from dashboards import statistics as stats
from fedportal.core.dates import last_months

pytestmark = pytest.mark.django_db


def _matrix(data):
    return {(c["category"], g + 1): n for c in data["categories"] for g, n in enumerate(c["grades"]) if n}


def test_certified_persons_by_category_grade_and_township(dash_world):
    w = dash_world
    county = stats.certified_persons(on=w.today)
    assert _matrix(county) == {(4, 1): 2, (4, 2): 1, (1, 3): 1, (6, 4): 1}
    assert county["total"] == 5
    assert county["grade_totals"] == [2, 1, 1, 1]
    by_township = {t["name"]: (t["grades"], t["total"]) for t in county["townships"]}
    assert by_township == {"莲塘镇": ([1, 1, 1, 0], 3), "向塘镇": ([1, 0, 0, 1], 2)}

    only_a = stats.certified_persons(on=w.today, township_id=w.township.pk)
    assert _matrix(only_a) == {(4, 1): 1, (4, 2): 1, (1, 3): 1}
    assert [t["name"] for t in only_a["townships"]] == ["莲塘镇"]


def test_certified_persons_as_of_an_earlier_day_counts_the_cancelled_card(dash_world):
    w = dash_world
    from datetime import timedelta

    earlier = stats.certified_persons(on=w.today - timedelta(days=30), township_id=w.township.pk)
    assert _matrix(earlier) == {(4, 1): 1, (4, 2): 1, (1, 3): 1, (5, 2): 1}


def test_certificate_events_per_month(dash_world):
    w = dash_world
    months = last_months(w.today, 12)
    data = stats.certificate_events(months=months)
    series = {k["kind"]: dict(zip(months, k["counts"], strict=True)) for k in data["kinds"]}
    assert series["issue"][w.month] == 2 and series["issue"][w.prev] == 1
    assert series["renew"][w.prev] == 1 and series["renew"][w.month] == 0
    assert series["cancel"][w.month] == 1
    assert {k["kind"]: k["total"] for k in data["kinds"]} == {"issue": 3, "renew": 1, "cancel": 1}
    only_b = stats.certificate_events(months=months, township_id=w.other_township.pk)
    assert {k["kind"]: k["total"] for k in only_b["kinds"]} == {"issue": 1, "renew": 0, "cancel": 0}


def test_subsidy_recipients_and_amounts_per_program_and_month(dash_world):
    w = dash_world
    months = last_months(w.today, 12)
    data = stats.subsidy_payments(months=months)
    programs = {p["code"]: p for p in data["programs"]}
    nursing = dict(
        zip(months, zip(programs["nursing"]["recipients"], programs["nursing"]["amounts"], strict=True), strict=True)
    )
    assert nursing[w.prev] == (2, Decimal("300.00"))  # two persons, one with a back-pay month
    assert nursing[w.month] == (1, Decimal("100.00"))  # the draft run of the month pays nothing
    living = dict(
        zip(months, zip(programs["living"]["recipients"], programs["living"]["amounts"], strict=True), strict=True)
    )
    assert living[w.prev] == (1, Decimal("80.00"))  # the recovery line is not money paid
    assert programs["nursing"]["person_months"] == 4
    assert data["total_amount"] == Decimal("480.00")

    only_b = {p["code"]: p for p in stats.subsidy_payments(months=months, township_id=w.other_township.pk)["programs"]}
    assert only_b["nursing"]["total_amount"] == Decimal("100.00")
    assert only_b["living"]["total_amount"] == Decimal("0.00")


def test_budget_execution_rate(dash_world):
    w = dash_world
    data = stats.budget_execution(years=[w.today.year])
    rows = {r["code"]: r for r in data["rows"]}
    assert rows["nursing"]["budget"] == Decimal("1000.00")
    assert rows["nursing"]["paid"] == w.nursing_paid_this_year
    assert rows["nursing"]["rate"] == stats.rate(w.nursing_paid_this_year, Decimal(1000))
    assert rows["living"]["rate"] == stats.rate(w.living_paid_this_year, Decimal(800))
    assert rows["education"]["budget"] is None and rows["education"]["rate"] is None
    only_a = {r["code"]: r for r in stats.budget_execution(years=[w.today.year], township_id=w.township.pk)["rows"]}
    assert only_a["nursing"]["budget"] is None  # budgets are county-wide


def test_rehab_service_and_fitting_rates(dash_world):
    w = dash_world
    data = stats.rehab_figures(year=w.today.year)
    total = data["total"]
    assert (total["need_count"], total["served_count"], total["service_rate"]) == (3, 2, Decimal("66.7"))
    assert (total["device_need_count"], total["device_fitted_count"], total["fitting_rate"]) == (2, 1, Decimal("50.0"))
    only_a = stats.rehab_figures(year=w.today.year, township_id=w.township.pk)
    assert only_a["total"]["service_rate"] == Decimal("100.0")


def test_certificates_expiring_in_90_days(dash_world):
    w = dash_world
    data = stats.certificates_expiring(today=w.today)
    assert data["total"] == 2
    assert {t["name"]: t["count"] for t in data["townships"]} == {"莲塘镇": 1, "向塘镇": 1}
    assert stats.certificates_expiring(today=w.today, days=45)["total"] == 1


def test_qualifying_not_enrolled_and_enrolled_not_qualifying(dash_world):
    w = dash_world
    data = {p["code"]: p for p in stats.enrollment_gaps(on=w.today)["programs"]}
    # 服药补助 (monthly, on application) has its gaps too.
    assert set(data) == {"living", "nursing", "medication"}
    assert (data["living"]["enrolled"], data["living"]["missing"], data["living"]["excess"]) == (2, 0, 1)
    assert (data["nursing"]["enrolled"], data["nursing"]["missing"], data["nursing"]["excess"]) == (1, 2, 0)
    only_b = {p["code"]: p for p in stats.enrollment_gaps(on=w.today, township_id=w.other_township.pk)["programs"]}
    assert (only_b["nursing"]["missing"], only_b["living"]["excess"]) == (1, 0)


def test_subsidy_statement_of_a_month(dash_world):
    w = dash_world
    data = {p["code"]: p for p in stats.subsidy_statement(month=w.prev)["programs"]}
    nursing = data["nursing"]
    assert (nursing["recipients"], nursing["current_count"], nursing["backpay_count"]) == (2, 2, 1)
    assert nursing["paid_amount"] == Decimal("300.00")
    living = data["living"]
    assert (living["recovery_count"], living["recovery_amount"], living["paid_amount"]) == (
        1,
        Decimal("50.00"),
        Decimal("80.00"),
    )
    by_township = {t["name"]: t["paid_amount"] for t in nursing["townships"]}
    assert by_township == {"莲塘镇": Decimal("200.00"), "向塘镇": Decimal("100.00")}
    assert data["education"]["run_id"] is None


def test_the_dashboard_counts_equal_the_dynamic_management_lists_per_program_and_township(dash_world, users):
    """One judge: the dashboard's 应享未享 / 应退未退 figures and the dynamic-management page (which lists the persons
    behind them) come from the same rule and the same candidates, for every program and township."""
    from fedportal.accounts.models import Role
    from subsidies.models import Program
    from subsidies.selectors import dynamic_management
    from tests.subsidies.conftest import gaps_person_by_person

    w = dash_world
    compared = 0
    for program_figures in stats.enrollment_gaps(on=w.today)["programs"]:
        program = Program.objects.get(pk=program_figures["program_id"])
        for row in program_figures["townships"]:
            listed = dynamic_management(
                user=users[Role.ADMIN], program=program, on=w.today, township_id=row["township_id"]
            )
            assert (listed["qualifying_count"], listed["not_qualifying_count"]) == (row["missing"], row["excess"]), (
                program.code,
                row["name"],
            )
            # And both are what the rule says of each person (tests/subsidies/conftest.py).
            by_person = gaps_person_by_person(program, row["township_id"], w.today)
            assert (row["missing"], row["excess"], row["enrolled"]) == (
                len(by_person["missing"]),
                len(by_person["excess"]),
                by_person["enrolled"],
            ), (program.code, row["name"])
            compared += 1
    assert compared >= 4


def test_the_cached_figures_are_in_one_language_and_each_reader_sees_their_own(dash_world):
    """Whoever computes the figures first, the cache holds the Chinese vocabulary; every reader gets it in theirs."""
    from django.utils import translation

    from dashboards.sections import localized
    from dashboards.selectors import dashboard_figures

    with translation.override("en"):
        figures = dashboard_figures(township_id=None, today=dash_world.today, refresh=True)
        english = [c["label"] for c in localized(figures)["certified"]["categories"]]
    assert "视力" in [c["label"] for c in figures["certified"]["categories"]]
    assert "视力" not in english and all(label.isascii() for label in english)
    with translation.override("zh-hans"):
        assert "视力" in [c["label"] for c in localized(figures)["certified"]["categories"]]
