"""The certificate reads of the registry's pages (cases/hooks.py `CertificateQueries`), registered in apps.py."""

from django.db.models import Prefetch

from .models import Certificate, CertificateStatus
from .selectors import assessments_for_person, certificate_history_for_person

# What a list page shows of the active card period (the person list, a household's members).
LIST_FIELDS = ("id", "person_id", "number", "category", "grade", "generation", "expiry_date", "status")


def active(**conditions):
    return Certificate.objects.filter(status=CertificateStatus.ACTIVE, **conditions)


def any(**conditions):
    return Certificate.objects.filter(**conditions)


def active_prefetch(*, to_attr: str) -> Prefetch:
    return Prefetch("certificates", queryset=active().only(*LIST_FIELDS), to_attr=to_attr)


def for_person_page(person, *, with_assessments: bool = True) -> dict:
    certificates = list(certificate_history_for_person(person=person))
    context = {
        "certificates": certificates,
        "active_certificate": next((c for c in certificates if c.status == CertificateStatus.ACTIVE), None),
    }
    if with_assessments:
        context["assessments"] = assessments_for_person(person=person)
    return context
