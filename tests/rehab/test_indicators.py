"""Both indicators and the spending figures on a small data set counted by hand."""

from datetime import date
from decimal import Decimal

import pytest

from rehab.models import Need, NeedStatus, ServiceRecord
from rehab.selectors import rehab_indicators, rehab_indicators_total, rehab_spending

pytestmark = pytest.mark.django_db


def need(person, need_type, day, **kwargs):
    return Need.objects.create(
        person=person,
        need_type=need_type,
        recorded_on=day,
        device_type="wheelchair" if need_type == "device" else "",
        **kwargs,
    )


def served(person, service_type, day, provider=None, amount="100.00", subsidy="80.00"):
    return ServiceRecord.objects.create(
        person=person,
        service_type=service_type,
        served_on=day,
        provider=provider,
        amount=Decimal(amount),
        subsidy=Decimal(subsidy),
    )


@pytest.fixture
def data_set(make_person, other_village, supplier, institution):
    p = {n: make_person(name=n) for n in ["p1", "p2", "p3", "p4", "p5", "p6", "p7"]}
    q1 = make_person(village=other_village, name="q1")
    need(p["p1"], "training", date(2026, 1, 10))
    served(p["p1"], "training", date(2026, 2, 1), institution, "3000.00", "3000.00")
    need(p["p2"], "device", date(2026, 3, 1))
    served(p["p2"], "device", date(2026, 4, 1), supplier, "1200.00", "1000.00")
    need(p["p3"], "device", date(2026, 5, 1))  # not served
    need(p["p4"], "home_care", date(2026, 5, 1), status=NeedStatus.CANCELLED)  # cancelled: not counted
    need(p["p5"], "training", date(2025, 12, 31))  # last year's need
    served(p["p5"], "training", date(2026, 1, 2), institution)
    need(p["p6"], "device", date(2026, 1, 1))
    served(p["p6"], "device", date(2025, 12, 31), supplier)  # served the year before: not this year's fitting
    need(p["p7"], "family_doctor", date(2026, 12, 31))
    served(p["p7"], "device", date(2026, 12, 31))  # served (any service), but no device need
    need(q1, "device", date(2026, 6, 1))
    served(q1, "device", date(2026, 6, 2), supplier, "500.00", "400.00")
    return p, q1


def test_rates_by_township_counted_by_hand(data_set, township, other_township):
    rows = {r["township_id"]: r for r in rehab_indicators(year=2026)}
    a = rows[township.pk]
    assert (a["need_count"], a["served_count"], a["service_rate"]) == (5, 3, Decimal("60.0"))
    assert (a["device_need_count"], a["device_fitted_count"], a["fitting_rate"]) == (3, 1, Decimal("33.3"))
    b = rows[other_township.pk]
    assert (b["need_count"], b["served_count"], b["service_rate"]) == (1, 1, Decimal("100.0"))
    assert (b["device_need_count"], b["device_fitted_count"], b["fitting_rate"]) == (1, 1, Decimal("100.0"))
    total = rehab_indicators_total(rows=list(rows.values()))
    assert (total["need_count"], total["served_count"], total["service_rate"]) == (6, 4, Decimal("66.7"))
    assert (total["device_need_count"], total["device_fitted_count"], total["fitting_rate"]) == (4, 2, Decimal("50.0"))


def test_one_township_and_another_year(data_set, township):
    [row] = rehab_indicators(year=2026, township_id=township.pk)
    assert row["township_name"] == "莲塘镇" and row["need_count"] == 5
    [row] = rehab_indicators(year=2025, township_id=township.pk)
    assert (row["need_count"], row["served_count"], row["service_rate"]) == (1, 0, Decimal("0.0"))
    assert row["device_need_count"] == 0 and row["fitting_rate"] is None


def test_indicators_aggregate_in_few_queries(data_set, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rehab_indicators(year=2026)


def test_spending_by_service_type_and_provider(data_set, township, supplier, institution):
    spending = rehab_spending(year=2026)
    by_type = {r["service_type"]: r for r in spending["by_service_type"]}
    assert by_type["device"]["services"] == 3 and by_type["device"]["persons"] == 3
    assert by_type["device"]["amount"] == Decimal("1800.00") and by_type["device"]["subsidy"] == Decimal("1480.00")
    assert by_type["training"]["amount"] == Decimal("3100.00")
    assert by_type["home_care"]["services"] == 0 and by_type["home_care"]["amount"] == Decimal("0.00")
    by_provider = {r["provider_id"]: r for r in spending["by_provider"]}
    assert by_provider[supplier.pk]["subsidy"] == Decimal("1400.00")
    assert by_provider[institution.pk]["subsidy"] == Decimal("3080.00")
    assert by_provider[None]["provider_name"] == "（无机构）"
    assert spending["total"]["services"] == 5 and spending["total"]["subsidy"] == Decimal("4560.00")
    local = rehab_spending(year=2026, township_id=township.pk)
    assert local["total"]["subsidy"] == Decimal("4160.00")
