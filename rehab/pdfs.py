"""PDF documents of the rehabilitation app (rendered by fedportal/pdf.py with its embedded CJK font)."""

from datetime import date

from fedportal.core.clock import local_now
from fedportal.core.sensitive import mask
from fedportal.pdf import render_pdf_template

from .models import Provider
from .selectors import provider_statement


def provider_statement_pdf(*, provider: Provider, month: date, records=None, township_only: bool = False) -> bytes:
    """A provider's monthly service statement (服务结算单): one line per service delivered, ID numbers masked."""
    statement = provider_statement(provider=provider, month=month, records=records)
    lines = [
        {
            "township": line.person.township.name,
            "name": line.person.name,
            "masked_id": mask(line.person.id_number),  # the strict mask: the statement goes to the provider
            "served_on": line.served_on,
            "service": line.get_service_type_display(),
            "description": line.description,
            "quantity": line.quantity,
            "amount": line.amount,
            "subsidy": line.subsidy,
        }
        for line in statement["lines"].iterator(chunk_size=2000)
    ]
    return render_pdf_template(
        "rehab/pdf/provider_statement.html",
        {**statement, "lines": lines, "generated_at": local_now(), "township_only": township_only},
    )
