"""Who may do what: the one place where roles meet capabilities.

Views declare the capability they need (`@require_perm(Perm.PERSON_EDIT)`); selectors narrow every
read to the user's township scope (`township_scope`). Nothing else in the code looks at `user.role`.
"""

from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Role


class Perm(StrEnum):
    PERSON_VIEW = "person.view"
    PERSON_EDIT = "person.edit"
    PERSON_REVEAL = "person.reveal"  # see a full ID, phone or account number (logged)
    PERSON_EXPORT = "person.export"
    EXCLUSION_EDIT = "person.exclusion_edit"  # record/end exclusions from allowances (county decisions)
    CERTIFICATE_EDIT = "certificate.edit"
    CERTIFICATE_REVIEW = "certificate.review"
    ROSTER_UPLOAD = "roster.upload"
    ROSTER_ENROLLMENTS = "roster.enrollments"  # migrating beneficiaries: county staff only
    COMPARISON_VIEW = "comparison.view"  # agency comparisons; a liaison sees their township's findings only
    COMPARISON_UPLOAD = "comparison.upload"
    COMPARISON_APPLY = "comparison.apply"  # never the comparison one uploaded oneself (web)
    APPLICATION_ENTER = "application.enter"
    APPLICATION_TOWNSHIP_CHECK = "application.township_check"
    APPLICATION_REVIEW = "application.review"
    PROGRAM_VIEW = "program.view"
    PAYMENT_RUN_VIEW = "payment_run.view"
    PAYMENT_RUN_CREATE = "payment_run.create"
    PAYMENT_RUN_APPROVE = "payment_run.approve"
    PAYMENT_EXPORT = "payment.export"
    # Correct a payee's account (社保卡号/开户银行) after the bank returned a payment as failed.
    PAYMENT_ACCOUNT_EDIT = "payment.account_edit"
    BUDGET_EDIT = "budget.edit"
    REHAB_VIEW = "rehab.view"
    REHAB_EDIT = "rehab.edit"
    COMMUNITY_VIEW = "community.view"  # employment, relief visits, legal aid, culture, early detection
    COMMUNITY_EDIT = "community.edit"
    SURVEY_EDIT = "survey.edit"
    DASHBOARD_VIEW = "dashboard.view"
    REPORT_GENERATE = "report.generate"
    AUDIT_VIEW = "audit.view"
    DIVISION_MANAGE = "division.manage"
    JOB_VIEW_ALL = "job.view_all"


_COUNTY_CASEWORK = {
    Perm.PERSON_VIEW,
    Perm.PERSON_EDIT,
    Perm.PERSON_REVEAL,
    Perm.PERSON_EXPORT,
    Perm.EXCLUSION_EDIT,
    Perm.CERTIFICATE_EDIT,
    Perm.ROSTER_UPLOAD,
    Perm.ROSTER_ENROLLMENTS,
    Perm.COMPARISON_VIEW,
    Perm.COMPARISON_UPLOAD,
    Perm.COMPARISON_APPLY,
    Perm.APPLICATION_ENTER,
    Perm.APPLICATION_TOWNSHIP_CHECK,
    Perm.PROGRAM_VIEW,
    Perm.REHAB_VIEW,
    Perm.REHAB_EDIT,
    Perm.SURVEY_EDIT,
    Perm.COMMUNITY_VIEW,
    Perm.COMMUNITY_EDIT,
    Perm.DASHBOARD_VIEW,
}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.CASEWORKER: frozenset(_COUNTY_CASEWORK),
    Role.REVIEWER: frozenset(_COUNTY_CASEWORK | {Perm.CERTIFICATE_REVIEW, Perm.APPLICATION_REVIEW}),
    Role.LIAISON: frozenset(
        {
            Perm.PERSON_VIEW,
            Perm.PERSON_EDIT,
            Perm.PERSON_REVEAL,
            Perm.PERSON_EXPORT,
            Perm.ROSTER_UPLOAD,
            Perm.COMPARISON_VIEW,
            Perm.APPLICATION_ENTER,
            Perm.APPLICATION_TOWNSHIP_CHECK,
            Perm.PROGRAM_VIEW,
            Perm.REHAB_VIEW,
            Perm.SURVEY_EDIT,
            Perm.COMMUNITY_VIEW,
            Perm.COMMUNITY_EDIT,
            Perm.DASHBOARD_VIEW,
        }
    ),
    # Leaders read figures; they never see full ID numbers and never change anything.
    Role.LEADER: frozenset(
        {
            Perm.DASHBOARD_VIEW,
            Perm.REPORT_GENERATE,
            Perm.PERSON_VIEW,
            Perm.PROGRAM_VIEW,
            Perm.PAYMENT_RUN_VIEW,
            Perm.REHAB_VIEW,
            Perm.COMMUNITY_VIEW,
        }
    ),
    Role.FINANCE: frozenset(
        {
            Perm.PERSON_VIEW,
            Perm.PERSON_REVEAL,
            Perm.PROGRAM_VIEW,
            Perm.PAYMENT_RUN_VIEW,
            Perm.PAYMENT_RUN_CREATE,
            Perm.PAYMENT_RUN_APPROVE,
            Perm.PAYMENT_EXPORT,
            Perm.PAYMENT_ACCOUNT_EDIT,
            Perm.BUDGET_EDIT,
            Perm.DASHBOARD_VIEW,
            Perm.REPORT_GENERATE,
        }
    ),
    Role.ADMIN: frozenset(Perm),
}

# Roles bound to one township see only that township's people.
TOWNSHIP_SCOPED_ROLES = frozenset({Role.LIAISON})


def has_perm(user, perm: Perm) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return perm in ROLE_PERMISSIONS.get(user.role, frozenset())


def township_scope(user) -> int | None:
    """The township id a user is confined to, or None for county-wide users.

    A township-scoped user without a township would see nothing, never everything.
    """
    if user.role in TOWNSHIP_SCOPED_ROLES:
        return user.township_id if user.township_id else -1
    return None


def require_any_perm(*perms: Perm):
    """View decorator: 403 unless the user holds at least one of `perms`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(has_perm(request.user, perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_any_perms = perms
        return wrapped

    return decorator


def require_perm(*perms: Perm):
    """View decorator: 403 unless the user holds every one of `perms`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not all(has_perm(request.user, perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_perms = perms
        return wrapped

    return decorator
