"""Writes for certificates: assessments and every lifecycle event (新办、换领、变更、挂失补办、迁入、迁出、注销).

Each function is keyword-only, takes the acting user, validates with Chinese messages, runs in one transaction,
writes a CertificateLifecycleEvent and refreshes the household's multi-disability flag.
"""

from .assessments import assessment_record, assessment_reject, assessment_review
from .lifecycle import (
    certificate_cancel,
    certificate_change,
    certificate_issue,
    certificate_reissue,
    certificate_renew,
    certificate_transfer_in,
    certificate_transfer_out,
)

__all__ = [
    "assessment_record",
    "assessment_reject",
    "assessment_review",
    "certificate_cancel",
    "certificate_change",
    "certificate_issue",
    "certificate_reissue",
    "certificate_renew",
    "certificate_transfer_in",
    "certificate_transfer_out",
]
