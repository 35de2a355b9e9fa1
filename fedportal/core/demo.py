"""A realistic, deterministic demo county for `seed_demo` (and for the benchmarks at 200,000 persons).

Written set-wise: rows are generated in Python and inserted with bulk_create in large batches, so 200,000
persons take minutes, not hours. The apps add their own demo data through `<app>.demo.seed_demo_data`.
"""

import importlib
import os
import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from cases.models import EducationStage, Household, Person, PovertyRecord, PovertyStatus, Relation, Township, Village
from cases.services.households import household_refresh_multi_flags
from certificates.models import Certificate, CertificateLifecycleEvent, CertificateStatus, EndReason, EventKind
from fedportal.accounts.models import Role
from fedportal.idnumber import check_character

AREA_CODE = "360121"
DEFAULT_DEMO_PASSWORD = "Fedportal-Demo-2026!"  # noqa: S105 - printed to the operator; DEMO_PASSWORD overrides it
TOWNSHIPS = [
    "莲塘镇",
    "向塘镇",
    "三江镇",
    "塘南镇",
    "幽兰镇",
    "蒋巷镇",
    "武阳镇",
    "冈上镇",
    "广福镇",
    "泾口乡",
    "南新乡",
    "八一乡",
]
VILLAGE_STEMS = [
    "东湖",
    "西岭",
    "南塘",
    "北港",
    "新村",
    "前进",
    "胜利",
    "红星",
    "光明",
    "和平",
    "长青",
    "石桥",
    "柏林",
    "桂花",
    "枫林",
    "黄泥",
    "岗头",
    "塘边",
    "河口",
    "洪家",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强春梅海燕红梅金凤玉兰德明文华淑珍桂兰国庆小红晓东婷婷俊杰子涵浩然欣怡思远"
BANKS = ["中国农业银行", "中国邮政储蓄银行", "农村商业银行", "中国建设银行"]
CATEGORY_WEIGHTS = {4: 44, 1: 8, 2: 10, 3: 1, 5: 11, 6: 12, 7: 14}
GRADE_WEIGHTS = {1: 10, 2: 24, 3: 30, 4: 36}

DEMO_USERS = [
    ("admin", Role.ADMIN, "系统管理员"),
    ("caseworker", Role.CASEWORKER, "经办员小王"),
    ("reviewer", Role.REVIEWER, "审核员老李"),
    ("liaison", Role.LIAISON, "专职委员小陈"),
    ("leader", Role.LEADER, "张理事长"),
    ("finance", Role.FINANCE, "财务小刘"),
    ("finance2", Role.FINANCE, "财务老周"),
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def seed_divisions() -> list[Township]:
    townships = []
    for index, name in enumerate(TOWNSHIPS, start=1):
        township, _ = Township.objects.get_or_create(code=f"{AREA_CODE}{index:03d}", defaults={"name": name})
        townships.append(township)
        for v in range(1, 9 + index % 5):
            stem = VILLAGE_STEMS[(index * 7 + v) % len(VILLAGE_STEMS)]
            suffix = "社区" if v == 1 and name.endswith("镇") else "村"
            Village.objects.get_or_create(
                code=f"{township.code}{v:03d}", defaults={"township": township, "name": f"{stem}{suffix}"}
            )
    return townships


def seed_users(first_township: Township) -> list:
    User = get_user_model()
    password = demo_password()
    users = []
    for username, role, full_name in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.role = role
        user.first_name = full_name
        user.township = first_township if role == Role.LIAISON else None
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.set_password(password)
        user.save()
        users.append(user)
    return users


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _random_birth(rng: random.Random, today: date) -> date:
    # Ages skew old, with a share of children for education and child rehab.
    age = rng.choices([rng.randint(1, 17), rng.randint(18, 59), rng.randint(60, 95)], weights=[12, 48, 40])[0]
    return today - timedelta(days=age * 365 + rng.randint(0, 364))


def seed_persons(
    *, count: int, rng: random.Random, today: date, acting_user, stdout=None, batch_size: int = 5000
) -> int:
    """Persons with households, certificates, lifecycle events and poverty records, in batches."""
    villages = list(Village.objects.select_related("township").order_by("code"))
    used_ids: set[str] = set(Person.objects.values_list("id_number", flat=True))
    created = 0
    household_seq = Household.objects.count()
    while created < count:
        size = min(batch_size, count - created)
        households, persons, plans = [], [], []
        remaining = size
        while remaining > 0:
            village = rng.choice(villages)
            members = min(remaining, rng.choices([1, 2, 3], weights=[86, 11, 3])[0])
            household_seq += 1
            household = Household(
                register_number=f"{village.code}{household_seq:07d}",
                township=village.township,
                village=village,
                address=f"{village.township.name}{village.name}{rng.randint(1, 200)}号",
            )
            households.append(household)
            for member in range(members):
                birth = _random_birth(rng, today)
                while True:
                    seq = rng.randint(0, 999)
                    first17 = f"{AREA_CODE}{birth:%Y%m%d}{seq:03d}"
                    number = first17 + check_character(first17)
                    if number not in used_ids:
                        used_ids.add(number)
                        break
                age = (today - birth).days // 365
                stage = EducationStage.NONE
                if 6 <= age <= 15:
                    stage = EducationStage.COMPULSORY
                elif 16 <= age <= 18:
                    stage = rng.choice([EducationStage.HIGH_SCHOOL, EducationStage.VOCATIONAL, EducationStage.NONE])
                elif 19 <= age <= 22 and rng.random() < 0.3:
                    stage = EducationStage.COLLEGE
                elif age < 6 and rng.random() < 0.5:
                    stage = EducationStage.PRESCHOOL
                poverty = rng.choices(
                    [
                        PovertyStatus.DIBAO,
                        PovertyStatus.MARGINAL,
                        PovertyStatus.EXTREME,
                        PovertyStatus.MONITORED,
                        PovertyStatus.NONE,
                    ],
                    weights=[24, 5, 3, 2, 66],
                )[0]
                person = Person(
                    id_number=number,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else ""),
                    sex="M" if int(number[16]) % 2 else "F",
                    birth_date=birth,
                    phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                    address=household.address,
                    township=village.township,
                    village=village,
                    relation_to_head=Relation.HEAD
                    if member == 0
                    else rng.choice([Relation.SPOUSE, Relation.CHILD, Relation.PARENT]),
                    education_stage=stage,
                    social_security_card=f"{rng.randint(10**17, 10**18 - 1)}",
                    bank_name=rng.choice(BANKS),
                    poverty_status=poverty,
                    death_date=today - timedelta(days=rng.randint(1, 700)) if rng.random() < 0.02 else None,
                    moved_out_date=today - timedelta(days=rng.randint(1, 700)) if rng.random() < 0.01 else None,
                    created_by=acting_user,
                )
                persons.append(person)
                plans.append(household)
            remaining -= members
        with transaction.atomic():
            Household.objects.bulk_create(households, batch_size=batch_size)
            for person, household in zip(persons, plans, strict=True):
                person.household = household
            Person.objects.bulk_create(persons, batch_size=batch_size)
            _seed_certificates_and_poverty(
                persons, rng=rng, today=today, acting_user=acting_user, batch_size=batch_size
            )
        created += size
        if stdout:
            stdout.write(f"  persons {created}/{count}")
    # Freshly bulk-loaded tables have no planner statistics yet; without them the set-wise updates that follow
    # (household flags, the apps' demo data) pick nested loops over 200,000 rows.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_household, cases_person, cases_povertyrecord, certificates_certificate")
    household_refresh_multi_flags()
    return created


def _seed_certificates_and_poverty(persons, *, rng, today, acting_user, batch_size):
    certificates, records = [], []
    for person in persons:
        if person.poverty_status != PovertyStatus.NONE:
            start = today - timedelta(days=rng.randint(30, 3000))
            records.append(
                PovertyRecord(
                    person=person,
                    status=person.poverty_status,
                    start_date=max(start, person.birth_date),
                    source="演示数据",
                )
            )
        if rng.random() < 0.04:
            continue  # registered, certificate still being assessed
        category, grade = _pick(rng, CATEGORY_WEIGHTS), _pick(rng, GRADE_WEIGHTS)
        earliest = max(person.birth_date + timedelta(days=180), today - timedelta(days=365 * 11))
        issue = earliest + timedelta(days=rng.randint(0, max(1, (today - earliest).days - 1)))
        expiry = (
            issue.replace(year=issue.year + 10) - timedelta(days=1)
            if not (issue.month == 2 and issue.day == 29)
            else date(issue.year + 10, 2, 28)
        )
        certificate = Certificate(
            person=person,
            number=f"{person.id_number}{category}{grade}",
            category=category,
            grade=grade,
            generation=3 if rng.random() < 0.7 else 2,
            issue_date=issue,
            expiry_date=expiry,
        )
        if person.death_date and rng.random() < 0.6:
            certificate.status, certificate.ended_on, certificate.end_reason = (
                CertificateStatus.CANCELLED,
                max(person.death_date, issue + timedelta(days=1)),
                EndReason.DEATH,
            )
        certificates.append(certificate)
    Certificate.objects.bulk_create(certificates, batch_size=batch_size)
    PovertyRecord.objects.bulk_create(records, batch_size=batch_size)
    events = [
        CertificateLifecycleEvent(
            person=c.person,
            certificate=c,
            kind=EventKind.ISSUE,
            event_date=c.issue_date,
            acting_user=acting_user,
            comment="演示数据",
        )
        for c in certificates
    ]
    events += [
        CertificateLifecycleEvent(
            person=c.person,
            certificate=c,
            kind=EventKind.CANCEL,
            event_date=c.ended_on,
            reason=c.end_reason,
            acting_user=acting_user,
        )
        for c in certificates
        if c.status == CertificateStatus.CANCELLED
    ]
    CertificateLifecycleEvent.objects.bulk_create(events, batch_size=batch_size)


def seed_app_demo_data(*, rng: random.Random, today: date, stdout=None) -> list[str]:
    """Let each app add its demo data (enrollments, rehab records…) when it provides `<app>.demo`."""
    seeded = []
    for app in ("subsidies", "rehab"):
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError:
            continue
        module.seed_demo_data(rng=rng, today=today, stdout=stdout)
        seeded.append(app)
    return seeded
