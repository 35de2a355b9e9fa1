"""The grants of issue 13 with amounts from the seed reports, as dated rows (an amount changes with a new row).

Seed figures: fuel 7 persons 1,820 yuan (260 a year); assessment 257 persons 38,550 yuan (150 an assessment);
self-employment 31 households 155,000 yuan (5,000 once); preschool 7 children 21,000 yuan (3,000 once);
college freshmen 82 students 410,000 yuan (5,000 once). The medication subsidy (100 a month), the contributions
(pension at the lowest level, 100 a year; medical insurance at the resident rate of the year) and the holiday
relief (500 an occasion) are demo defaults, changed in the admin.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

START = date(2016, 1, 1)

PROGRAMS = [
    # code, name, full name, period kind, sort, {tier: [(from, amount), ...]}, {parameter: value}, payee
    ("fuel", "燃油补贴", "机动轮椅车燃油补贴", "yearly", 5, {"default": [(START, "260")]}, {}, None),
    ("medication", "服药补助", "精神残疾人服药补助", "monthly", 6, {"default": [(START, "100")]},
     {"backpay_months": 12, "recovery_months": 24}, None),
    ("assessment", "评定补贴", "残疾评定补贴", "once", 7, {"default": [(START, "150")]}, {}, None),
    ("self_employment", "创业补贴", "残疾人自主创业补贴", "once", 8, {"default": [(START, "5000")]},
     {"min_age": 16, "max_age": 59}, None),
    ("preschool", "学前教育助学", "家庭经济困难残疾儿童学前教育助学", "once", 9, {"default": [(START, "3000")]}, {}, None),
    ("freshman", "大学新生补助", "残疾人及残疾人家庭子女大学新生补助", "once", 10,
     {"college_self": [(START, "5000")], "college_parent": [(START, "5000")]}, {}, None),
    ("pension", "养老保险代缴", "城乡居民养老保险缴费补贴", "yearly", 11,
     {"severe": [(START, "100")], "poor": [(START, "100")]}, {"extend_marginal": 0, "min_age": 16, "max_age": 59},
     ("县社会保险事业管理中心", "36010000000000001", "县农商银行")),
    ("medical", "医保代缴", "城乡居民医疗保险缴费补贴", "yearly", 12,
     {"severe": [(START, "180"), (date(2023, 1, 1), "380"), (date(2025, 1, 1), "400")],
      "poor": [(START, "180"), (date(2023, 1, 1), "380"), (date(2025, 1, 1), "400")]},
     {"extend_marginal": 0}, ("县医疗保障事业管理中心", "36010000000000002", "县农商银行")),
    ("holiday", "节日慰问金", "困难残疾人节日慰问金", "once", 13, {"default": [(START, "500")]}, {}, None),
]


def create(apps, schema_editor):
    Program = apps.get_model("subsidies", "Program")
    ProgramRate = apps.get_model("subsidies", "ProgramRate")
    ProgramParameter = apps.get_model("subsidies", "ProgramParameter")
    for code, name, full_name, kind, order, rates, parameters, payee in PROGRAMS:
        payee_name, payee_account, payee_bank = payee or ("", "", "")
        program, _created = Program.objects.update_or_create(
            code=code,
            defaults={"name": name, "full_name": full_name, "period_kind": kind, "automatic": False,
                      "accepts_applications": True, "sort_order": order, "payee_name": payee_name,
                      "payee_account": payee_account, "payee_bank": payee_bank},
        )
        for tier, dated in rates.items():
            for effective_from, amount in dated:
                ProgramRate.objects.get_or_create(
                    program=program, tier=tier, effective_from=effective_from,
                    defaults={"amount": Decimal(amount), "note": "演示默认标准"},
                )
        for key, value in parameters.items():
            ProgramParameter.objects.get_or_create(
                program=program, key=key, effective_from=START, defaults={"value": Decimal(value), "note": "默认"}
            )


def remove(apps, schema_editor):
    apps.get_model("subsidies", "Program").objects.filter(code__in=[p[0] for p in PROGRAMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0007_grants")]

    operations = [migrations.RunPython(create, remove)]
