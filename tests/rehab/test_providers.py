from datetime import date

import pytest
from django.core.exceptions import ValidationError

from rehab.models import ProviderKind
from rehab.services import (
    fitting_assess,
    fitting_fit,
    fitting_start,
    home_care_plan_create,
    provider_check_assignable,
    provider_contract_add,
)

from .conftest import make_provider

pytestmark = pytest.mark.django_db


def test_expired_contract_is_refused_with_a_clear_message(person, expired_supplier, caseworker):
    fitting = fitting_start(person=person, device_type="crutch", acting_user=caseworker)
    fitting_assess(fitting=fitting, assessed_on=date(2026, 1, 5), assessor="评估员", acting_user=caseworker)
    with pytest.raises(ValidationError) as error:
        fitting_fit(fitting=fitting, fitted_on=date(2026, 1, 6), supplier=expired_supplier, acting_user=caseworker)
    assert "“旧辅具公司”的服务合同已于2023-12-31到期" in str(error.value)
    assert "不能指派" in str(error.value)


def test_expired_home_care_provider_cannot_get_a_plan(person, caseworker):
    provider = make_provider("过期托养机构", ProviderKind.HOME_CARE, start=date(2022, 1, 1), end=date(2025, 6, 30))
    with pytest.raises(ValidationError, match="已于2025-06-30到期"):
        home_care_plan_create(
            person=person,
            provider=provider,
            services=["daily_care"],
            start_date=date(2025, 7, 1),
            end_date=date(2025, 12, 31),
            visits_per_month=4,
            acting_user=caseworker,
        )


def test_contract_covers_its_last_day_and_a_renewal_restores_it(caseworker):
    provider = make_provider("托养机构", ProviderKind.HOME_CARE, start=date(2024, 1, 1), end=date(2025, 12, 31))
    provider_check_assignable(provider=provider, on=date(2025, 12, 31), service_type="home_care")
    with pytest.raises(ValidationError):
        provider_check_assignable(provider=provider, on=date(2026, 1, 1), service_type="home_care")
    provider_contract_add(
        provider=provider, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), acting_user=caseworker
    )
    provider_check_assignable(provider=provider, on=date(2026, 1, 1), service_type="home_care")


def test_no_contract_and_wrong_kind_are_refused():
    provider = make_provider("无合同机构", ProviderKind.HOME_CARE, start=None)
    with pytest.raises(ValidationError, match="没有有效的服务合同"):
        provider_check_assignable(provider=provider, on=date(2026, 1, 1), service_type="home_care")
    supplier = make_provider("辅具公司", ProviderKind.DEVICE_SUPPLIER)
    with pytest.raises(ValidationError, match="不能承接"):
        provider_check_assignable(provider=supplier, on=date(2026, 1, 1), service_type="home_care")


def test_overlapping_contracts_are_refused(caseworker):
    provider = make_provider("托养机构", ProviderKind.HOME_CARE, start=date(2024, 1, 1), end=date(2025, 12, 31))
    with pytest.raises(ValidationError, match="重叠"):
        provider_contract_add(
            provider=provider, start_date=date(2025, 6, 1), end_date=date(2026, 5, 31), acting_user=caseworker
        )
