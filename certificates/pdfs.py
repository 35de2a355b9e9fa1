"""残疾人证申请审批表: the application and approval form of one assessment."""

from fedportal.core.clock import local_now
from fedportal.pdf import render_pdf_template

from .models import Category, CertificateLifecycleEvent, Grade


def application_form_pdf(*, assessment, reveal: bool, request=None) -> bytes:
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
        "reveal": reveal,
        "components": [
            {"category": Category(c["category"]).label, "grade": Grade(c["grade"]).label} for c in assessment.components
        ],
        "printed_at": local_now(),
    }
    return render_pdf_template("certificates/application_form_pdf.html", context, request)
