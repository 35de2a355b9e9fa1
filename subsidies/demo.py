"""Demo enrollments: every demo person who qualifies today for living or nursing allowance (and students for the
education grant) is enrolled, in bulk, so that `make run` shows realistic runs; likewise the yearly and monthly
grants (fuel for a tenth of the qualifying, medication, the pension and medical contributions). The one-off grants
go through the workflow (application, township check, county review) and paid ones through an approved run, with a
few applications left waiting at each step. Deterministic with `rng`."""

from datetime import date, timedelta

from django.db import connection

from cases.models import Person
from certificates.models import Assessment, Certificate
from fedportal.jobs.services import job_execute

from .models import Enrollment, EnrollmentSource, Program
from .rules import eligibility_codes
from .services import (
    application_decide,
    application_submit,
    application_township_check,
    payment_run_approve,
    payment_run_create,
)

# Yearly and monthly grants enrolled like the allowances: code -> share of the qualifying who have one.
ENROLLED_GRANTS = {"fuel": 0.1, "medication": 0.8, "pension": 1.0, "medical": 1.0}


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
    for code in ("living", "nursing", "education", *ENROLLED_GRANTS):
        program = programs.get(code)
        if program is None:
            continue
        judged = eligibility_codes(code, holders, today)
        count = 0
        for person_id in holders:
            codes, _tier = judged.get(person_id, (["missing"], ""))
            if codes or (person_id, program.pk) in existing:
                continue
            if code in ENROLLED_GRANTS and rng.random() >= ENROLLED_GRANTS[code]:
                continue
            # 90% were paid by the old system up to last month; the others are recent and bring back pay.
            start = _months_back(first_of_month, rng.randint(1, 48))
            paid_through = _months_back(first_of_month, 1) if rng.random() < 0.9 else None
            if code == "education":
                start, paid_through = date(today.year, 9, 1) if today.month >= 9 else date(today.year, 3, 1), None
            elif code in ENROLLED_GRANTS and code != "medication":
                start, paid_through = date(today.year, 1, 1), None
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
    if context is not None and context.users:
        created.update(
            _seed_one_off_grants(rng=rng, today=today, holders=holders, programs=programs, users=context.users)
        )
        if stdout is not None:
            stdout.write(f"subsidies: one-off grants paid {created['once_paid']}, waiting {created['once_waiting']}")
    return created


def _seed_one_off_grants(*, rng, today: date, holders: list[int], programs: dict, users: dict) -> dict:
    """Applications for the one-off grants through the services; the approved ones paid by a run of their month,
    created by `finance` and approved by `finance2`. The last application of each grant waits at a step."""
    caseworker, reviewer = users["caseworker"], users["reviewer"]
    this_year = date(today.year, 1, 1)
    spring = date(today.year, 1, 20) if today >= date(today.year, 1, 20) else this_year
    earlier = max(this_year, (today.replace(day=1) - timedelta(days=1)).replace(day=1))
    # Assessed this year: the assessments behind this year's new certificates (评残即申请).
    for cert in Certificate.objects.filter(issue_date__gte=this_year, issue_date__lte=today).order_by("pk")[:8]:
        if not Assessment.objects.filter(person_id=cert.person_id).exists():
            Assessment.objects.create(
                person_id=cert.person_id,
                hospital="县人民医院",
                assessor="评残专家组",
                assessed_on=max(this_year, cert.issue_date - timedelta(days=10)),
                category=cert.category,
                grade=cert.grade,
            )
    assessed = list(Assessment.objects.filter(assessed_on__gte=this_year).values_list("person_id", flat=True)[:8])
    plan = [
        # code, candidates, how many, applied on, occasion
        ("holiday", holders, 30, spring, f"{today.year}年春节慰问"),
        ("self_employment", holders, 6, earlier, ""),
        ("preschool", holders, 4, earlier, ""),
        (
            "freshman",
            list(Person.objects.filter(education_stage="college").values_list("pk", flat=True)),
            6,
            earlier,
            "",
        ),
        ("assessment", assessed, 8, earlier, "评残"),
    ]
    paid = waiting = 0
    for code, candidates, wanted, applied_on, occasion in plan:
        program = programs.get(code)
        if program is None or not candidates:
            continue
        # Qualifying on the application day and today (the county review judges today).
        judged, now = eligibility_codes(code, candidates, applied_on), eligibility_codes(code, candidates, today)
        chosen = [pid for pid in candidates if pid in judged and not judged[pid][0] and pid in now and not now[pid][0]]
        chosen = sorted(rng.sample(chosen, min(wanted, len(chosen))))
        persons = {p.pk: p for p in Person.objects.filter(pk__in=chosen)}
        approved = 0
        for index, person_id in enumerate(chosen):
            application = application_submit(
                person=persons[person_id],
                program=program,
                applied_on=applied_on,
                occasion=occasion,
                acting_user=caseworker,
            )
            if index == len(chosen) - 1 and len(chosen) > 1:
                waiting += 1  # left for the township check
                continue
            application_township_check(application=application, acting_user=caseworker)
            application_decide(application=application, acting_user=reviewer, approve=True)
            approved += 1
        if approved:
            paid += _pay(program, applied_on.replace(day=1), users).lines_count
    # This year's contributions (paid to the insurers) and fuel subsidy, approved like the one-off grants.
    for code in ("pension", "medical", "fuel"):
        if code in programs and Enrollment.objects.filter(program=programs[code]).exists():
            _pay(programs[code], this_year, users)
    return {"once_paid": paid, "once_waiting": waiting}


def _pay(program, period: date, users):
    run = payment_run_create(program=program, period=period, acting_user=users["finance"])
    job_execute(run.job_id)
    run.refresh_from_db()
    return payment_run_approve(run=run, acting_user=users["finance2"])
