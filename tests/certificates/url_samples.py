"""Samples for the permission walker: every certificates URL with kwargs, for township A and township B."""

from datetime import timedelta

from certificates.models import Assessment, CertificateStatus
from fedportal.core.clock import local_today


def _assessment(person):
    day = local_today() - timedelta(days=40)
    return Assessment.objects.create(
        person=person,
        hospital="县人民医院",
        assessor="李医生",
        assessed_on=day,
        category=4,
        grade=2,
        notice_start=day,
        notice_end=day + timedelta(days=7),
    )


def build(world) -> None:
    world.certificates_assessment = _assessment(world.person)
    world.certificates_other_assessment = _assessment(world.other_person)


def _kwargs(person, assessment) -> dict[str, dict]:
    certificate = person.certificates.filter(status=CertificateStatus.ACTIVE).first() or person.certificates.first()
    by_certificate = {"pk": certificate.pk}
    return {
        "certificates:certificate_detail": by_certificate,
        "certificates:certificate_renew": by_certificate,
        "certificates:certificate_change": by_certificate,
        "certificates:certificate_reissue": by_certificate,
        "certificates:certificate_transfer_out": by_certificate,
        "certificates:certificate_cancel": by_certificate,
        "certificates:certificate_issue": {"person_pk": person.pk},
        "certificates:certificate_transfer_in": {"person_pk": person.pk},
        "certificates:assessment_create": {"person_pk": person.pk},
        "certificates:assessment_review": {"pk": assessment.pk},
        "certificates:assessment_reject": {"pk": assessment.pk},
        "certificates:application_form_pdf": {"pk": assessment.pk},
    }


def samples(world) -> dict[str, dict]:
    return _kwargs(world.person, world.certificates_assessment)


def foreign_samples(world) -> dict[str, dict]:
    return _kwargs(world.other_person, world.certificates_other_assessment)
