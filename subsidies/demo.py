"""Demo enrollments: every demo person who qualifies today for living or nursing allowance (and students for the
education grant) is enrolled, in bulk, so that `make run` shows realistic runs. Deterministic with `rng`."""

from datetime import date

from django.db import connection

from .models import Enrollment, EnrollmentSource, Program
from .rules import eligibility_codes


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def seed_demo_data(*, rng, today: date, stdout, context=None) -> dict:
    programs = {p.code: p for p in Program.objects.all()}
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT c.person_id FROM certificates_certificate c JOIN cases_person p ON p.id = c.person_id
            WHERE p.death_date IS NULL AND c.issue_date <= %s AND c.expiry_date >= %s AND (c.ended_on IS NULL OR c.ended_on > %s)
            ORDER BY c.person_id""",
            [today, today, today],
        )
        holders = [row[0] for row in cursor.fetchall()]
    existing = set(Enrollment.objects.values_list("person_id", "program_id"))
    created = {}
    to_create = []
    first_of_month = today.replace(day=1)
    for code in ("living", "nursing", "education"):
        program = programs.get(code)
        if program is None:
            continue
        judged = eligibility_codes(code, holders, today)
        count = 0
        for person_id in holders:
            codes, _tier = judged.get(person_id, (["missing"], ""))
            if codes or (person_id, program.pk) in existing:
                continue
            # 90% were paid by the old system up to last month; the others are recent and bring back pay.
            start = _months_back(first_of_month, rng.randint(1, 48))
            paid_through = _months_back(first_of_month, 1) if rng.random() < 0.9 else None
            if code == "education":
                start, paid_through = date(today.year, 9, 1) if today.month >= 9 else date(today.year, 3, 1), None
            to_create.append(
                Enrollment(
                    person_id=person_id,
                    program=program,
                    start_month=start,
                    paid_through=paid_through,
                    source=EnrollmentSource.DEMO,
                    note="演示数据",
                )
            )
            count += 1
        created[code] = count
    Enrollment.objects.bulk_create(to_create, batch_size=5000)
    if stdout is not None:
        stdout.write("subsidies: " + ", ".join(f"{code} {n}" for code, n in created.items()) + " enrollments")
    return created
