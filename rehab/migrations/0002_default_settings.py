import datetime

from django.db import migrations


def create_default(apps, schema_editor):
    RehabSetting = apps.get_model("rehab", "RehabSetting")
    RehabSetting.objects.get_or_create(
        effective_from=datetime.date(2018, 10, 1),
        defaults={
            "child_rescue_max_age": 6,
            "home_visit_target": 95,
            "note": "国发〔2018〕20号：0-6岁残疾儿童康复救助；动态更新入户率不低于95%",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("rehab", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
