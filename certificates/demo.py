"""Certificates of the demo county for `seed_demo`: most demo persons hold one, with its lifecycle events.

Called after the registry's demo (cases/demo.py), lowest layer first; then the 一户多残 flags are brought up to date.
"""

import random
from datetime import date, timedelta

from django.db import connection, transaction

from cases.models import Person

from .households import household_refresh_multi_flags
from .models import Certificate, CertificateLifecycleEvent, CertificateStatus, EndReason, EventKind

CATEGORY_WEIGHTS = {4: 44, 1: 8, 2: 10, 3: 1, 5: 11, 6: 12, 7: 14}
GRADE_WEIGHTS = {1: 10, 2: 24, 3: 30, 4: 36}
BATCH = 5000


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def seed_demo_data(*, rng: random.Random, today: date, stdout=None, context) -> None:
    """Certificates for the persons who have none yet, walked by id in batches."""
    persons = Person.objects.filter(certificates__isnull=True).only("id", "id_number", "birth_date", "death_date")
    last_id, seeded = 0, 0
    while True:
        batch = list(persons.filter(pk__gt=last_id).order_by("pk")[:BATCH])
        if not batch:
            break
        with transaction.atomic():
            seeded += _seed_certificates(batch, rng=rng, today=today, acting_user=context.acting_user)
        last_id = batch[-1].pk
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Certificate._meta.db_table}")
    household_refresh_multi_flags()
    context.summary["certificates"] = seeded
    if stdout:
        stdout.write(f"  certificates {seeded}")


def _seed_certificates(persons, *, rng, today, acting_user) -> int:
    certificates = []
    for person in persons:
        if rng.random() < 0.04:
            continue  # registered, certificate still being assessed
        category, grade = _pick(rng, CATEGORY_WEIGHTS), _pick(rng, GRADE_WEIGHTS)
        earliest = max(person.birth_date + timedelta(days=180), today - timedelta(days=365 * 11))
        issue = earliest + timedelta(days=rng.randint(0, max(1, (today - earliest).days - 1)))
        expiry = (
            issue.replace(year=issue.year + 10) - timedelta(days=1)
            if not (issue.month == 2 and issue.day == 29)
            else date(issue.year + 10, 2, 28)
        )
        certificate = Certificate(
            person=person,
            number=f"{person.id_number}{category}{grade}",
            category=category,
            grade=grade,
            generation=3 if rng.random() < 0.7 else 2,
            issue_date=issue,
            expiry_date=expiry,
        )
        if person.death_date and rng.random() < 0.6:
            certificate.status, certificate.ended_on, certificate.end_reason = (
                CertificateStatus.CANCELLED,
                max(person.death_date, issue + timedelta(days=1)),
                EndReason.DEATH,
            )
        certificates.append(certificate)
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    events = [
        CertificateLifecycleEvent(
            person=c.person,
            certificate=c,
            kind=EventKind.ISSUE,
            event_date=c.issue_date,
            acting_user=acting_user,
            comment="演示数据",
        )
        for c in certificates
    ]
    events += [
        CertificateLifecycleEvent(
            person=c.person,
            certificate=c,
            kind=EventKind.CANCEL,
            event_date=c.ended_on,
            reason=c.end_reason,
            acting_user=acting_user,
        )
        for c in certificates
        if c.status == CertificateStatus.CANCELLED
    ]
    CertificateLifecycleEvent.objects.bulk_create(events, batch_size=BATCH)
    return len(certificates)
