"""The registry's demo data for `seed_demo`: divisions, households, persons and their poverty records.

Written set-wise: rows are generated in Python and inserted with bulk_create in large batches, so 200,000
persons take minutes, not hours. Certificates are added by `certificates.demo`, the apps above by their own demo.
"""

import random
from datetime import date, timedelta

from django.db import connection, transaction

from fedportal.core.demo import DemoError
from fedportal.idnumber import check_character

from .models import EducationStage, Household, Person, PovertyRecord, PovertyStatus, Relation, Township, Village

AREA_CODE = "360121"
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


def seed_demo_setup(*, context) -> None:
    """The divisions (`seed_demo --persons 0` too); the demo liaison works for the first township."""
    townships = seed_divisions()
    context.summary["townships"] = len(townships)
    context.liaison_township = townships[0]


def seed_demo_data(*, rng: random.Random, today: date, stdout=None, context) -> None:
    existing = Person.objects.count()
    if existing:
        raise DemoError(f"the database already has {existing} persons; seed an empty database")
    seed_persons(count=context.persons, rng=rng, today=today, acting_user=context.acting_user, stdout=stdout)


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


def _random_birth(rng: random.Random, today: date) -> date:
    # Ages skew old, with a share of children for education and child rehab.
    age = rng.choices([rng.randint(1, 17), rng.randint(18, 59), rng.randint(60, 95)], weights=[12, 48, 40])[0]
    return today - timedelta(days=age * 365 + rng.randint(0, 364))


def seed_persons(
    *, count: int, rng: random.Random, today: date, acting_user, stdout=None, batch_size: int = 5000
) -> int:
    """Persons with households and poverty records, in batches."""
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
            _seed_poverty(persons, rng=rng, today=today, batch_size=batch_size)
        created += size
        if stdout:
            stdout.write(f"  persons {created}/{count}")
    # Freshly bulk-loaded tables have no planner statistics yet; without them the set-wise work that follows
    # (certificates, household flags, the apps' demo data) picks nested loops over 200,000 rows.
    tables = ", ".join(model._meta.db_table for model in (Household, Person, PovertyRecord))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
    return created


def _seed_poverty(persons, *, rng, today, batch_size):
    records = []
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
    PovertyRecord.objects.bulk_create(records, batch_size=batch_size)
