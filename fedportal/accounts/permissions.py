"""Who may do what: the one place where roles meet capabilities.

Views declare the capability they need (`@require_perm(Perm.PERSON_EDIT)`); every `*_for_user` selector narrows
its reads with `scope_q` (the one township-scope rule); every public service starts with
`authorize(acting_user, Perm.X, obj)`. Nothing else in the code looks at `user.role`.
"""

from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q

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


def scope_q(user, path: str = "township") -> Q:
    """The township-scope rule as a filter: `path` leads from the queried model to a Township (`"township"`,
    `"person__township"`, `"plan__person__township"`…). Empty for county-wide users; for a township user only rows
    under their township (nothing at all without a bound township).

    Records about a person follow the person's *current* township (`person__township`), so a person who moves
    leaves the old township's lists with everything about them; only snapshots kept for a document (a payment
    sheet's township column) keep the township of their day, and they are never used for access."""
    scope = township_scope(user)
    if scope is None:
        return Q()
    return Q(**{f"{path}_id" if path else "pk": scope})


class _CountyWide:
    """The target of a write that belongs to the whole county (a payment run, a provider, a county-wide event):
    outside every township user's scope."""

    def __repr__(self) -> str:
        return "COUNTY_WIDE"


COUNTY_WIDE = _CountyWide()


def township_of(obj) -> int | None:
    """The township an object belongs to for access: a person's current township, a record's person's, or the
    object's own (`township_id`); None for a county-wide object (a payment run, a provider, a county event)."""
    if obj is None or obj is COUNTY_WIDE:
        return None
    if isinstance(obj, int):
        return obj
    if getattr(getattr(obj, "_meta", None), "model_name", "") == "township":
        return obj.pk
    if getattr(obj, "person_id", None) is not None:
        return township_of(obj.person)
    if hasattr(obj, "township_id"):
        return obj.township_id
    for attribute in ("household", "village", "plan", "session", "workshop", "event"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return township_of(getattr(obj, attribute))
    return None


def in_scope(user, obj, *, county_wide_ok: bool = False) -> bool:
    """Whether `obj` lies in the user's township scope; a county-wide object is in a township user's scope only
    when `county_wide_ok` (they may use it, e.g. join a county event, but not change it)."""
    scope = township_scope(user)
    if scope is None:
        return True
    township_id = township_of(obj)
    if township_id is None:
        return county_wide_ok
    return township_id == scope


def authorize(acting_user, perm: Perm | tuple[Perm, ...], obj=None, *, county_wide_ok: bool = False) -> None:
    """Raise PermissionDenied unless `acting_user` holds `perm` (a tuple: any one of them) and `obj` (when given:
    a model instance, a township, or a township id) lies in their township scope. Every public service calls this
    first, so a view, a command, a task or a future API cannot forget; `obj` may be a list of objects that must all
    be in scope (None items are skipped)."""
    perms = perm if isinstance(perm, tuple) else (perm,)
    if acting_user is None or not any(has_perm(acting_user, one) for one in perms):
        raise PermissionDenied
    objects = obj if isinstance(obj, (list, tuple)) else [obj]
    for item in objects:
        if item is not None and not in_scope(acting_user, item, county_wide_ok=county_wide_ok):
            raise PermissionDenied


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
