"""残疾人证申请审批表: the application and approval form of one assessment."""

from fedportal.core.clock import local_now
from fedportal.core.sensitive import CERTIFICATE, MaskedPerson, sensitive_for
from fedportal.pdf import render_pdf_template

from .models import Category, CertificateLifecycleEvent, Grade


def application_form_pdf(*, assessment, user, reveal: bool, request=None) -> bytes:
    """Masked for `user`; full numbers only when they may reveal and asked to (`reveal`, logged by the caller)."""
    certificate = assessment.certificates.order_by("issue_date").first()
    event = (
        CertificateLifecycleEvent.objects.filter(assessment=assessment)
        .select_related("acting_user")
        .order_by("created_at")
        .first()
    )
    context = {
        "assessment": assessment,
        "person": assessment.person,
        "certificate": certificate,
        "event": event,
        "masked": MaskedPerson(user, assessment.person, reveal=reveal),
        "certificate_number": sensitive_for(
            user, certificate.number if certificate else "", CERTIFICATE, reveal=reveal
        ),
        "components": [
            {"category": Category(c["category"]).label, "grade": Grade(c["grade"]).label} for c in assessment.components
        ],
        "printed_at": local_now(),
    }
    return render_pdf_template("certificates/application_form_pdf.html", context, request)
