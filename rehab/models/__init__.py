"""Rehabilitation and home care (康复、托养): providers, needs, the yearly needs survey and the services delivered.

Every delivered service, whatever workflow produced it (a device fitting, a home-care visit, a renovation, a
children's rescue service, a medication subsidy, training…), leaves one row in the ledger `ServiceRecord`: the
indicators (who was served) and the spending figures (by service type and provider) aggregate that one table.

Import from here (`from rehab.models import Need`); the modules are an implementation detail.
"""

from .common import (
    DEVICE_REPLACEMENT_YEARS,
    MONEY,
    DeviceType,
    ServiceType,
)
from .needs import (
    ContactMethod,
    Need,
    NeedSource,
    NeedStatus,
    SurveyRecord,
    SurveyRound,
    SurveyRoundStatus,
)
from .policy import (
    RehabSetting,
)
from .providers import (
    Provider,
    ProviderContract,
    ProviderKind,
    ProviderService,
)
from .services import (
    RESCUE_SERVICE_TYPE,
    ChildCondition,
    ChildRescue,
    DeviceFitting,
    FittingStatus,
    HomeCarePlan,
    HomeCareService,
    HomeCareVisit,
    PlanStatus,
    Renovation,
    RenovationStatus,
    RescueKind,
    ServiceRecord,
)

__all__ = [
    "DEVICE_REPLACEMENT_YEARS",
    "MONEY",
    "RESCUE_SERVICE_TYPE",
    "ChildCondition",
    "ChildRescue",
    "ContactMethod",
    "DeviceFitting",
    "DeviceType",
    "FittingStatus",
    "HomeCarePlan",
    "HomeCareService",
    "HomeCareVisit",
    "Need",
    "NeedSource",
    "NeedStatus",
    "PlanStatus",
    "Provider",
    "ProviderContract",
    "ProviderKind",
    "ProviderService",
    "RehabSetting",
    "Renovation",
    "RenovationStatus",
    "RescueKind",
    "ServiceRecord",
    "ServiceType",
    "SurveyRecord",
    "SurveyRound",
    "SurveyRoundStatus",
]
