"""Writes of the rehabilitation app: each a single transaction with the acting user, validated with Chinese messages."""

from ._base import PROVIDER_KINDS_FOR_SERVICE
from .care import (
    child_rescue_check_age,
    child_rescue_create,
    fitting_assess,
    fitting_cancel,
    fitting_fit,
    fitting_follow_up,
    fitting_from_need,
    fitting_start,
    home_care_plan_create,
    home_care_plan_end,
    home_care_visit_record,
    renovation_complete,
    renovation_create,
)
from .needs import (
    need_cancel,
    need_create,
    service_record_create,
    survey_record_save,
    survey_round_create,
    survey_round_set_status,
)
from .providers import (
    provider_check_assignable,
    provider_contract_add,
    provider_save,
    provider_service_save,
)

__all__ = [
    "PROVIDER_KINDS_FOR_SERVICE",
    "child_rescue_check_age",
    "child_rescue_create",
    "fitting_assess",
    "fitting_cancel",
    "fitting_fit",
    "fitting_follow_up",
    "fitting_from_need",
    "fitting_start",
    "home_care_plan_create",
    "home_care_plan_end",
    "home_care_visit_record",
    "need_cancel",
    "need_create",
    "provider_check_assignable",
    "provider_contract_add",
    "provider_save",
    "provider_service_save",
    "renovation_complete",
    "renovation_create",
    "service_record_create",
    "survey_record_save",
    "survey_round_create",
    "survey_round_set_status",
]
