"""Printable documents of the registry: the person summary sheet (人员信息表)."""

from django.utils import timezone

from certificates.selectors import certificate_active_for_person, certificate_history_for_person
from fedportal.pdf import render_pdf_template

from .selectors import person_notes, person_poverty_history


def person_summary_pdf(*, person, reveal: bool, request=None) -> bytes:
    context = {
        "person": person,
        "reveal": reveal,
        "active_certificate": certificate_active_for_person(person),
        "certificates": certificate_history_for_person(person),
        "poverty_records": person_poverty_history(person),
        "notes": person_notes(person)[:10],
        "printed_at": timezone.localtime(),
    }
    return render_pdf_template("cases/person_summary_pdf.html", context, request)
