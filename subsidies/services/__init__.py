"""Writes of the subsidies app. Import from here: `from subsidies.services import enrollment_bulk_upsert`."""

from .enrollments import enrollment_bulk_upsert, enrollment_set_status
from .runs import (
    parse_period,
    payment_run_approve,
    payment_run_approve_start,
    payment_run_compute,
    payment_run_create,
    payment_run_discard,
    payment_run_recompute,
)

__all__ = [
    "enrollment_bulk_upsert",
    "enrollment_set_status",
    "parse_period",
    "payment_run_approve",
    "payment_run_approve_start",
    "payment_run_compute",
    "payment_run_create",
    "payment_run_discard",
    "payment_run_recompute",
]

from .applications import application_decide, application_eligibility, application_submit, application_township_check

__all__ += ["application_decide", "application_eligibility", "application_submit", "application_township_check"]

from .budgets import budget_set  # noqa: E402

__all__ += ["budget_set"]
