"""Printable documents of the registry: the person summary sheet (人员信息表)."""

from fedportal.core.clock import local_now
from fedportal.core.sensitive import CERTIFICATE, MaskedPerson, sensitive_for
from fedportal.pdf import render_pdf_template

from . import hooks
from .selectors import person_notes, person_poverty_history


def person_summary_pdf(*, person, user, reveal: bool, request=None) -> bytes:
    """Masked for `user`; full numbers only when they may reveal and asked to (`reveal`, logged by the caller)."""
    certificates = hooks.certificate_queries().for_person_page(person, with_assessments=False)
    for certificate in certificates.get("certificates", []):
        certificate.number_shown = sensitive_for(user, certificate.number, CERTIFICATE, reveal=reveal)
    context = {
        "person": person,
        "masked": MaskedPerson(user, person, reveal=reveal),
        **certificates,
        "poverty_records": person_poverty_history(person=person),
        "notes": person_notes(person=person)[:10],
        "printed_at": local_now(),
    }
    return render_pdf_template("cases/person_summary_pdf.html", context, request)
