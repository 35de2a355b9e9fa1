"""Demo records of the community services for `seed_demo`: trainings with attendees, job fairs, referrals and
placements, a sheltered workshop per township, holiday relief visits, legal-aid cases, cultural events, monthly
screening figures and suspected-disability reports.

Deterministic for a given rng; rows are built from one read of living persons and written with bulk_create, and
counts are capped so 200,000 persons stay fast.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from cases.models import Person, Township

from .models import (
    CaseKind,
    CaseStatus,
    CultureEvent,
    EventKind,
    EventParticipation,
    FundSource,
    JobFair,
    JobReferral,
    LegalCase,
    Occasion,
    ReliefVisit,
    ScreeningTally,
    ShelteredWorkshop,
    SuspectedReport,
    SuspectedStatus,
    TrainingAttendance,
    TrainingKind,
    TrainingSession,
    WorkshopWorker,
)

EMPLOYERS = [
    "县福利工厂",
    "惠农电商服务中心",
    "阳光手工坊",
    "县城市管理局（公益岗）",
    "宏达物流有限公司",
    "乡村振兴合作社",
]
TRAININGS = [
    ("盲人按摩培训班", TrainingKind.VOCATIONAL, 120),
    ("电商直播创业培训", TrainingKind.ENTREPRENEURSHIP, 40),
    ("种养殖实用技术培训", TrainingKind.AGRICULTURE, 24),
    ("家庭康复知识培训", TrainingKind.REHAB_SKILLS, 16),
    ("手工编织技能培训", TrainingKind.VOCATIONAL, 60),
]
CASE_SUBJECTS = ["用人单位拖欠工资", "无障碍设施被占用", "赡养纠纷", "低保待遇咨询", "交通事故赔偿", "就业歧视投诉"]


def _day_in(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max((end - start).days, 1)))


@transaction.atomic
def seed_demo_data(*, rng: random.Random, today: date, stdout=None, context=None) -> None:
    persons = list(
        Person.objects.filter(death_date__isnull=True, moved_out_date__isnull=True)
        .order_by("pk")
        .values_list("pk", "township_id")[:50_000]
    )
    townships = list(Township.objects.order_by("code").values_list("pk", flat=True))
    if not persons or not townships:
        return
    year_start = date(today.year, 1, 1)
    last_year_start = date(today.year - 1, 1, 1)
    scale = max(1, len(persons) // 2000)

    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(
            title=f"{year.year}年{title}",
            kind=kind,
            township_id=rng.choice([None, *townships]),
            start_date=(start := _day_in(rng, year, min(today, date(year.year, 12, 31)) - timedelta(days=7))),
            end_date=start + timedelta(days=rng.randint(2, 6)),
            organizer="县残疾人就业服务所",
            hours=hours,
        )
        for year in (last_year_start, year_start)
        for title, kind, hours in TRAININGS
    )
    attendances = []
    for session in sessions:
        pool = [pk for pk, township in persons if session.township_id in (None, township)]
        for person_id in rng.sample(pool, min(len(pool), rng.randint(15, 40) * min(scale, 5))):
            attendances.append(TrainingAttendance(session=session, person_id=person_id, completed=rng.random() < 0.9))
    TrainingAttendance.objects.bulk_create(attendances, batch_size=5000)

    fairs = JobFair.objects.bulk_create(
        JobFair(
            title=f"{day.year}年残疾人专场招聘会（{n + 1}）",
            township_id=None,
            held_on=day,
            place="县人力资源市场",
            employers=rng.randint(10, 40),
            positions=rng.randint(60, 300),
            visitors=rng.randint(50, 200),
        )
        for n, day in enumerate(sorted(_day_in(rng, year_start, today) for _ in range(3)))
    )
    referrals = []
    for person_id, _township in rng.sample(persons, min(len(persons), 70 * min(scale, 10))):
        fair = rng.choice([None, *fairs])
        referred = _day_in(rng, fair.held_on if fair else year_start, today)
        placed = referred + timedelta(days=rng.randint(5, 60)) if rng.random() < 0.45 else None
        referrals.append(
            JobReferral(
                person_id=person_id,
                employer=rng.choice(EMPLOYERS),
                position=rng.choice(["操作工", "客服", "保洁", "按摩师", "网店运营"]),
                referred_on=referred,
                job_fair=fair,
                placed_on=placed if placed and placed <= today else None,
            )
        )
    JobReferral.objects.bulk_create(referrals, batch_size=5000)

    workshops = ShelteredWorkshop.objects.bulk_create(
        ShelteredWorkshop(
            name=f"阳光家园辅助性就业点（{n + 1}）",
            township_id=township_id,
            opened_on=date(today.year - 3, 3, 1),
        )
        for n, township_id in enumerate(townships[:4])
    )
    workers = []
    for workshop in workshops:
        pool = [pk for pk, township in persons if township == workshop.township_id]
        for person_id in rng.sample(pool, min(len(pool), rng.randint(8, 20))):
            workers.append(
                WorkshopWorker(
                    workshop=workshop, person_id=person_id, start_date=_day_in(rng, workshop.opened_on, today)
                )
            )
    WorkshopWorker.objects.bulk_create(workers, batch_size=5000)

    visits = []
    festival = date(today.year, 2, 1) if today >= date(today.year, 2, 1) else date(today.year, 1, 2)
    for person_id, _township in rng.sample(persons, min(len(persons), 300 * min(scale, 10))):
        cash = Decimal(rng.choice(["300.00", "500.00", "500.00", "800.00"]))
        goods = rng.random() < 0.6
        visits.append(
            ReliefVisit(
                person_id=person_id,
                occasion=Occasion.SPRING_FESTIVAL,
                visited_on=_day_in(rng, festival - timedelta(days=20), festival),
                cash=cash,
                goods="大米、食用油" if goods else "",
                goods_value=Decimal("150.00") if goods else Decimal("0.00"),
                fund_source=rng.choice([FundSource.FEDERATION, FundSource.FINANCE, FundSource.DONATION]),
            )
        )
    ReliefVisit.objects.bulk_create(visits, batch_size=5000)

    cases = []
    for person_id, _township in rng.sample(persons, min(len(persons), 12)):
        opened = _day_in(rng, year_start, today)
        closed = opened + timedelta(days=rng.randint(10, 90))
        done = closed <= today and rng.random() < 0.7
        cases.append(
            LegalCase(
                person_id=person_id,
                kind=rng.choice(list(CaseKind)),
                opened_on=opened,
                subject=rng.choice(CASE_SUBJECTS),
                status=CaseStatus.CLOSED if done else CaseStatus.OPEN,
                closed_on=closed if done else None,
                outcome="已协调解决" if done else "",
            )
        )
    LegalCase.objects.bulk_create(cases)

    events = CultureEvent.objects.bulk_create(
        CultureEvent(
            title=title,
            kind=kind,
            township_id=None,
            held_on=_day_in(rng, year_start, today),
            place="县文化馆",
            other_participants=rng.randint(20, 120),
        )
        for title, kind in [
            ("全国助残日文艺汇演", EventKind.CULTURE),
            ("残疾人健身周", EventKind.SPORTS),
            ("特奥融合运动会", EventKind.SPECIAL_OLYMPICS),
            ("盲人读书会", EventKind.READING),
        ]
    )
    EventParticipation.objects.bulk_create(
        EventParticipation(event=event, person_id=person_id)
        for event in events
        for person_id, _township in rng.sample(persons, min(len(persons), rng.randint(20, 60)))
    )

    tallies = []
    month = date(today.year, 1, 1)
    while month <= today.replace(day=1):
        for township_id in townships:
            first = rng.randint(80, 250) * min(scale, 10)
            rescreens = first * rng.randint(4, 8) // 100
            diagnoses = rescreens * rng.randint(5, 12) // 100
            tallies.append(
                ScreeningTally(
                    township_id=township_id,
                    month=month,
                    first_screens=first,
                    rescreens=rescreens,
                    diagnoses=diagnoses,
                    referrals=diagnoses - (1 if diagnoses and rng.random() < 0.3 else 0),
                )
            )
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    ScreeningTally.objects.bulk_create(tallies)

    reports = []
    for n in range(40 * min(scale, 10)):
        reported = _day_in(rng, year_start, today)
        resolved = reported + timedelta(days=rng.randint(3, 40))
        settled = resolved <= today and rng.random() < 0.4
        reports.append(
            SuspectedReport(
                name=rng.choice("赵钱孙李周吴郑王冯陈") + rng.choice(["小明", "秀英", "建国", "桂兰", "志强"]),
                township_id=townships[n % len(townships)],
                reported_on=reported,
                source=rng.choice(["村委会", "乡镇卫生院", "家属", "县妇幼保健院"]),
                suspected_category=rng.randint(1, 6),
                status=SuspectedStatus.NOT_DISABLED if settled else SuspectedStatus.PENDING,
                resolved_on=resolved if settled else None,
            )
        )
    SuspectedReport.objects.bulk_create(reports)
    if stdout is not None:
        stdout.write(
            f"community: {len(sessions)} trainings ({len(attendances)} attendances), {len(referrals)} referrals, "
            f"{len(visits)} relief visits, {len(cases)} legal cases, {len(events)} events, {len(reports)} reports\n"
        )
