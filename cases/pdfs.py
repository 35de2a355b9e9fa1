"""Printable documents of the registry: the person summary sheet (人员信息表)."""

from fedportal.core.clock import local_now
from fedportal.pdf import render_pdf_template

from . import hooks
from .selectors import person_notes, person_poverty_history


def person_summary_pdf(*, person, reveal: bool, request=None) -> bytes:
    context = {
        "person": person,
        "reveal": reveal,
        **hooks.certificate_queries().for_person_page(person, with_assessments=False),
        "poverty_records": person_poverty_history(person),
        "notes": person_notes(person)[:10],
        "printed_at": local_now(),
    }
    return render_pdf_template("cases/person_summary_pdf.html", context, request)
