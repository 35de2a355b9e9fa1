"""Reads of certificates and assessments, always through the registry's access layer (township scope)."""

from datetime import date

from django.db.models import Q
from django.http import Http404

from fedportal.accounts.permissions import Perm, has_perm, scope_q
from fedportal.core.clock import local_today
from fedportal.core.sensitive import masked_rows

from .models import Assessment, Certificate, CertificateLifecycleEvent, Generation


def certificates_valid_on(*, day: date):
    """Certificates that count on `day`: issued, not expired, not ended (2nd and 3rd generation are both valid)."""
    return Certificate.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day),
        issue_date__lte=day,
        expiry_date__gte=day,
        generation__in=[Generation.SECOND, Generation.THIRD],
    )


def _scoped(queryset, user, person_path: str = "person"):
    """The same rule as cases.selectors.person_list_for_user, applied through the holder's township: a join on
    township_id instead of `person__in (subquery)` keeps county-wide counts over 200,000 rows cheap."""
    if not has_perm(user, Perm.PERSON_VIEW):
        return queryset.none()
    return queryset.filter(scope_q(user, f"{person_path}__township"))


def certificate_list_for_user(*, user):
    return _scoped(Certificate.objects.all(), user)


def certificate_list_for_page(*, certificates, user):
    """A list page's certificates with their holder, each with `number_shown` (the certificate number, which holds the
    ID number) and the holder's `masked` values as `user` may see them (fedportal/core/sensitive.py)."""
    return masked_rows(
        certificates.select_related("person", "person__township"), user, person="person", certificate=True
    )


def certificate_get_for_user(*, user, certificate_id: int) -> Certificate:
    certificate = (
        certificate_list_for_user(user=user)
        .select_related("person", "person__township", "person__village", "assessment")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


def assessment_list_for_user(*, user):
    return _scoped(Assessment.objects.all(), user)


def assessments_waiting_for_review(*, user):
    """The county review worklist: assessments neither reviewed nor rejected, in the user's scope, oldest first;
    `notice_over` tells whether the 5-working-day public notice has ended (review possible) on the local date."""
    from django.db.models import BooleanField, Case, Value, When

    today = local_today()
    return (
        assessment_list_for_user(user=user)
        .filter(reviewed_on__isnull=True, rejected_on__isnull=True)
        .select_related("person", "person__township", "person__village")
        .annotate(
            notice_over=Case(
                When(notice_end__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("assessed_on", "pk")
    )


def assessment_get_for_user(*, user, assessment_id: int) -> Assessment:
    assessment = (
        assessment_list_for_user(user=user)
        .select_related("person", "person__township", "person__village", "reviewed_by")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


def certificate_history_for_person(*, person):
    """Every card period of a person, newest first, with its events and components (three queries)."""
    return (
        Certificate.objects.filter(person=person)
        .select_related("assessment")
        .prefetch_related("components", "lifecycle_events", "lifecycle_events__acting_user")
        .order_by("-issue_date", "-pk")
    )


def assessments_for_person(*, person):
    return (
        Assessment.objects.filter(person=person)
        .select_related("reviewed_by", "rejected_by")
        .order_by("-assessed_on", "-pk")
    )


def assessments_ready_for(*, person, unused: bool = True):
    """Reviewed assessments a new issue or change can rest on; by default those no certificate used yet."""
    assessments = Assessment.objects.filter(person=person, reviewed_on__isnull=False, rejected_on__isnull=True)
    if unused:
        assessments = assessments.filter(certificates__isnull=True)
    return assessments.order_by("-assessed_on", "-pk")


def certificate_events_recent_for_user(*, user, limit: int = 20):
    return (
        _scoped(CertificateLifecycleEvent.objects.all(), user)
        .select_related("person", "certificate", "acting_user")
        # In the order of the dates shown (the day of the event), the latest entry first within a day.
        .order_by("-event_date", "-created_at", "-pk")[:limit]
    )
