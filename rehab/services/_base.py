"""Helpers shared by the rehabilitation services."""

from datetime import date
from decimal import Decimal

from ..models import (
    ProviderKind,
    ServiceType,
)

ZERO = Decimal("0.00")

# Which kind of provider may deliver which service.
PROVIDER_KINDS_FOR_SERVICE = {
    ServiceType.REHAB_TRAINING: {ProviderKind.REHAB_INSTITUTION},
    ServiceType.SURGERY: {ProviderKind.REHAB_INSTITUTION},
    ServiceType.FAMILY_DOCTOR: {ProviderKind.REHAB_INSTITUTION},
    ServiceType.MEDICATION: {ProviderKind.REHAB_INSTITUTION},
    ServiceType.DEVICE: {ProviderKind.DEVICE_SUPPLIER, ProviderKind.REHAB_INSTITUTION},
    ServiceType.HOME_CARE: {ProviderKind.HOME_CARE},
    ServiceType.ACCESSIBILITY: {ProviderKind.CONTRACTOR},
}


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
