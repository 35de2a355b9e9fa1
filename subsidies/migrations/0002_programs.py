"""The four programs of DOMAIN.md with the demo default amounts, effective from 2016-01-01."""

from datetime import date
from decimal import Decimal

from django.db import migrations

START = date(2016, 1, 1)

PROGRAMS = [
    # code, name, full name, period kind, automatic, accepts applications, sort, {tier: amount}, {parameter: value}
    ("living", "生活补贴", "困难残疾人生活补贴", "monthly", False, True, 1, {"default": "80"},
     {"extend_marginal": 0, "backpay_months": 12, "recovery_months": 24}),
    ("nursing", "护理补贴", "重度残疾人护理补贴", "monthly", False, True, 2,
     {"grade1": "100", "grade2": "80", "grade3_mental": "50"},
     {"extend_grade3_mental": 0, "backpay_months": 12, "recovery_months": 24}),
    ("education", "扶残助学金", "扶残助学金", "yearly", False, True, 3,
     {"college_self": "2000", "college_parent": "1000", "high_school": "1000", "compulsory": "500"}, {}),
    ("multi", "一户多残补助", "一户多残补助", "yearly", True, False, 4, {"default": "500"}, {}),
]


def create(apps, schema_editor):
    Program = apps.get_model("subsidies", "Program")
    ProgramRate = apps.get_model("subsidies", "ProgramRate")
    ProgramParameter = apps.get_model("subsidies", "ProgramParameter")
    for code, name, full_name, kind, automatic, accepts, order, rates, parameters in PROGRAMS:
        program, _created = Program.objects.update_or_create(
            code=code,
            defaults={"name": name, "full_name": full_name, "period_kind": kind, "automatic": automatic,
                      "accepts_applications": accepts, "sort_order": order},
        )
        for tier, amount in rates.items():
            ProgramRate.objects.get_or_create(
                program=program, tier=tier, effective_from=START,
                defaults={"amount": Decimal(amount), "note": "演示默认标准"},
            )
        for key, value in parameters.items():
            ProgramParameter.objects.get_or_create(
                program=program, key=key, effective_from=START, defaults={"value": Decimal(value), "note": "默认"}
            )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
