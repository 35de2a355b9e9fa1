"""No template prints a raw sensitive field: ID, phone and account numbers reach templates already masked by the access
layer (fedportal/core/sensitive.py) as `….masked.id_number`, `number_shown`, `masked_id` or through the `registry`
tags (`sensitive`, `masked`, `masked_certificate`), which call the same module. A `{{ person.id_number }}` would
print the full number to whoever opens the page, so it fails here before any page is walked."""

import re
from pathlib import Path

from django.conf import settings

SENSITIVE = ("id_number", "phone", "guardian_phone", "social_security_card")
# `{{ anything.id_number }}` or `{{ anything.phone|filter }}`: a raw field of a model or a row.
RAW = re.compile(r"\{\{\s*((?:[\w]+\.)+(" + "|".join(SENSITIVE) + r"))\s*(\|[^}]*)?\}\}")
# Printed on purpose, each with the reason.
ALLOWED = {
    # The payment sheet is the signed list the bank pays from: full numbers by design, its export logged.
    ("subsidies/payment_sheet_pdf.html", "line.id_number"): "bank payment sheet",
    # A rehabilitation provider's phone is an organisation's number, not a person's.
    ("rehab/provider_detail.html", "provider.phone"): "organisation",
    ("rehab/provider_list.html", "p.phone"): "organisation",
    # Survey progress: how many persons were surveyed by phone (a count).
    ("rehab/survey_round_detail.html", "r.phone"): "count",
    ("rehab/survey_round_detail.html", "totals.phone"): "count",
}


def _templates():
    for directory in settings.TEMPLATES[0]["DIRS"]:
        root = Path(directory)
        for path in root.rglob("*"):
            if path.suffix in (".html", ".txt", ".xml"):
                yield path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")


def test_no_template_prints_a_raw_id_phone_or_account_number():
    found = []
    for name, text in _templates():
        for match in RAW.finditer(text):
            expression = match.group(1)
            if ".masked." in f".{expression}" or (name, expression) in ALLOWED:
                continue
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{name}:{line}: {match.group(0)}")
    assert not found, "print the masked value the access layer attached instead:\n" + "\n".join(found)


def test_the_check_catches_a_raw_field():
    assert RAW.search("<td>{{ person.id_number }}</td>")
    assert RAW.search("{{ l.person.social_security_card|default:'' }}")
    assert RAW.search("{{ m.guardian_phone }}")
    assert not RAW.search("{{ c.number_shown }}")
