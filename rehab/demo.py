"""Demo rehabilitation data for `seed_demo`: providers, two survey rounds, needs, fittings, home-care plans with visits,
children's rescue, renovations and the service ledger.

Set-wise and deterministic for a given rng: rows are built in Python from one read of the certified persons and
written with bulk_create; only a sample of persons gets records, so 200,000 persons stay fast.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from cases.models import Person
from certificates.models import CertificateStatus

from .models import (
    DEVICE_REPLACEMENT_YEARS,
    ChildRescue,
    ContactMethod,
    DeviceFitting,
    DeviceType,
    FittingStatus,
    HomeCarePlan,
    HomeCareService,
    HomeCareVisit,
    Need,
    NeedSource,
    NeedStatus,
    Provider,
    ProviderContract,
    ProviderKind,
    ProviderService,
    Renovation,
    RenovationStatus,
    ServiceRecord,
    ServiceType,
    SurveyRecord,
    SurveyRound,
    SurveyRoundStatus,
)

BATCH = 5000
SURVEY_SHARE = 0.25  # of certified persons surveyed in the demo's current round so far
SURVEY_CAP = 30_000
NEED_SHARE = 0.3  # of surveyed persons who need a service
PLAN_CAP = 1500
CHILD_CAP = 300

PROVIDERS = [
    # name, kind, contract start offset (days), end offset, [(service, device, price, subsidy, unit)]
    (
        "县残疾人康复中心",
        ProviderKind.REHAB_INSTITUTION,
        -900,
        500,
        [
            (ServiceType.REHAB_TRAINING, "", "1500.00", "1200.00", "月"),
            (ServiceType.FAMILY_DOCTOR, "", "120.00", "120.00", "年"),
            (ServiceType.MEDICATION, "", "150.00", "150.00", "月"),
            (ServiceType.SURGERY, "", "12000.00", "10000.00", "例"),
        ],
    ),
    (
        "县人民医院",
        ProviderKind.REHAB_INSTITUTION,
        -1200,
        700,
        [
            (ServiceType.SURGERY, "", "15000.00", "12000.00", "例"),
            (ServiceType.MEDICATION, "", "200.00", "150.00", "月"),
        ],
    ),
    (
        "星语儿童康复中心",
        ProviderKind.REHAB_INSTITUTION,
        -600,
        400,
        [(ServiceType.REHAB_TRAINING, "", "2500.00", "2000.00", "月")],
    ),
    (
        "县康复辅具服务站",
        ProviderKind.DEVICE_SUPPLIER,
        -800,
        600,
        [
            (ServiceType.DEVICE, "wheelchair", "980.00", "800.00", "件"),
            (ServiceType.DEVICE, "walker", "260.00", "200.00", "件"),
            (ServiceType.DEVICE, "crutch", "120.00", "100.00", "副"),
            (ServiceType.DEVICE, "commode", "300.00", "240.00", "件"),
            (ServiceType.DEVICE, "hearing_aid", "3500.00", "3000.00", "台"),
            (ServiceType.DEVICE, "white_cane", "80.00", "80.00", "根"),
            (ServiceType.DEVICE, "prosthesis", "12000.00", "8000.00", "具"),
            (ServiceType.DEVICE, "orthosis", "1500.00", "1200.00", "具"),
            (ServiceType.DEVICE, "", "500.00", "400.00", "件"),
        ],
    ),
    (
        "惠民辅具有限公司",
        ProviderKind.DEVICE_SUPPLIER,
        -1500,
        -200,  # contract ended: shows the refusal in the demo
        [(ServiceType.DEVICE, "", "450.00", "360.00", "件")],
    ),
    ("阳光居家托养服务中心", ProviderKind.HOME_CARE, -700, 400, [(ServiceType.HOME_CARE, "", "80.00", "80.00", "次")]),
    ("康乐社区养护服务社", ProviderKind.HOME_CARE, -400, 300, [(ServiceType.HOME_CARE, "", "70.00", "70.00", "次")]),
    (
        "安居无障碍改造工程队",
        ProviderKind.CONTRACTOR,
        -500,
        500,
        [(ServiceType.ACCESSIBILITY, "", "3000.00", "2500.00", "户")],
    ),
]

NEED_WEIGHTS = {
    ServiceType.REHAB_TRAINING: 30,
    ServiceType.DEVICE: 30,
    ServiceType.FAMILY_DOCTOR: 14,
    ServiceType.HOME_CARE: 8,
    ServiceType.ACCESSIBILITY: 8,
    ServiceType.MEDICATION: 6,
    ServiceType.SURGERY: 4,
}
DEVICES_BY_CATEGORY = {
    1: ["white_cane"],
    2: ["hearing_aid"],
    3: ["other"],
    4: ["wheelchair", "wheelchair", "walker", "crutch", "commode", "prosthesis", "orthosis"],
    5: ["commode", "other"],
    6: ["other"],
    7: ["wheelchair", "walker", "commode"],
}
CONTACT_WEIGHTS = {ContactMethod.HOME: 90, ContactMethod.MEET: 5, ContactMethod.PHONE: 3, ContactMethod.LOST: 2}


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day_between(rng, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def _seed_providers(today: date) -> dict:
    providers = {}
    for name, kind, start, end, items in PROVIDERS:
        provider, created = Provider.objects.get_or_create(
            name=name, defaults={"kind": kind, "contact": "联系人", "phone": "0791-8500000"}
        )
        if created:
            ProviderContract.objects.create(
                provider=provider,
                number=f"RH-{provider.pk:03d}",
                start_date=today + timedelta(days=start),
                end_date=today + timedelta(days=end),
            )
            ProviderService.objects.bulk_create(
                ProviderService(
                    provider=provider, service_type=s, device_type=d, price=Decimal(p), subsidy=Decimal(sub), unit=unit
                )
                for s, d, p, sub, unit in items
            )
        providers[name] = provider
    return providers


@transaction.atomic
def seed_demo_data(*, rng: random.Random, today: date, stdout=None, context=None) -> dict:
    if SurveyRound.objects.filter(year=today.year).exists():
        _say(stdout, "rehab: demo data already present, skipped")
        return {}
    providers = _seed_providers(today)
    prices = {(s.provider_id, s.service_type, s.device_type): s for s in ProviderService.objects.all()}
    institution = providers["县残疾人康复中心"]
    child_centre = providers["星语儿童康复中心"]
    supplier = providers["县康复辅具服务站"]
    home_care = [providers["阳光居家托养服务中心"], providers["康乐社区养护服务社"]]
    contractor = providers["安居无障碍改造工程队"]

    this_round = SurveyRound.objects.create(
        year=today.year,
        title=f"{today.year}年残疾人基本服务状况和需求信息动态更新",
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )
    last_round, last_created = SurveyRound.objects.get_or_create(
        year=today.year - 1,
        defaults={
            "title": f"{today.year - 1}年残疾人基本服务状况和需求信息动态更新",
            "start_date": date(today.year - 1, 1, 1),
            "end_date": date(today.year - 1, 12, 31),
            "status": SurveyRoundStatus.CLOSED,
        },
    )

    certified = list(
        Person.objects.filter(certificates__status=CertificateStatus.ACTIVE, death_date__isnull=True)
        .order_by("pk")
        .values_list("pk", "township_id", "household_id", "certificates__category", "certificates__grade")
    )
    if not certified:
        _say(stdout, "rehab: no certified persons, only providers and survey rounds created")
        return {"providers": len(providers)}

    sample_size = min(SURVEY_CAP, max(1, int(len(certified) * SURVEY_SHARE)))
    surveyed = rng.sample(certified, sample_size)
    last_year_sample = []
    if last_created:  # a round kept from an earlier seeding keeps its records
        last_year_sample = rng.sample(certified, min(SURVEY_CAP, max(1, int(len(certified) * SURVEY_SHARE * 0.8))))

    # ---- survey records (both rounds) and the needs they bring up
    services = list(ServiceType)
    records, plans_for_records = [], []
    for survey_round, people, until in (
        (this_round, surveyed, today),
        (last_round, last_year_sample, last_round.end_date),
    ):
        for pk, township_id, household_id, category, grade in people:
            needed = []
            if rng.random() < NEED_SHARE:
                needed = sorted({_pick(rng, NEED_WEIGHTS) for _ in range(rng.choice([1, 1, 2]))})
            device_type = (
                rng.choice(DEVICES_BY_CATEGORY.get(category, ["other"])) if ServiceType.DEVICE in needed else ""
            )
            records.append(
                SurveyRecord(
                    survey_round=survey_round,
                    person_id=pk,
                    township_id=township_id,
                    contact_method=_pick(rng, CONTACT_WEIGHTS),
                    visited_on=_day_between(rng, survey_round.start_date, until),
                    services_received=sorted({rng.choice(services) for _ in range(rng.randrange(3))}),
                    services_needed=needed,
                    device_type_needed=device_type,
                )
            )
            plans_for_records.append((household_id, category, grade))
    SurveyRecord.objects.bulk_create(records, batch_size=BATCH)

    needs = []
    for record, (household_id, category, grade) in zip(records, plans_for_records, strict=True):
        for need_type in record.services_needed:
            if need_type == ServiceType.ACCESSIBILITY and household_id is None:
                continue
            needs.append(
                Need(
                    person_id=record.person_id,
                    need_type=need_type,
                    device_type=record.device_type_needed if need_type == ServiceType.DEVICE else "",
                    recorded_on=record.visited_on,
                    source=NeedSource.SURVEY,
                    survey_record=record,
                )
            )
            needs[-1]._demo = (household_id, category, grade)

    # ---- decide who was served (about 85%, as the seed counties report) and when
    end_of = {this_round.year: today, last_round.year: last_round.end_date}
    for need in needs:
        if rng.random() < 0.85 and need.recorded_on < end_of[need.recorded_on.year]:
            need.status = NeedStatus.MET
            need.met_on = _day_between(rng, need.recorded_on + timedelta(days=1), end_of[need.recorded_on.year])
    Need.objects.bulk_create(needs, batch_size=BATCH)

    fittings, ledger, renovations, plans = [], [], [], []
    for need in needs:
        household_id, _category, _grade = need._demo
        if need.need_type == ServiceType.DEVICE:
            fitting = DeviceFitting(person_id=need.person_id, need=need, device_type=need.device_type or "other")
            if need.status == NeedStatus.MET:
                item = (
                    prices.get((supplier.pk, ServiceType.DEVICE, fitting.device_type))
                    or prices[(supplier.pk, ServiceType.DEVICE, "")]
                )
                fitting.assessed_on = max(need.recorded_on, need.met_on - timedelta(days=7))
                fitting.assessor = "县康复辅具服务站评估组"
                fitting.assessment_result = "适合适配"
                fitting.fitted_on = need.met_on
                fitting.supplier = supplier
                fitting.cost, fitting.subsidy = item.price, item.subsidy
                fitting.replacement_date = _add_years(need.met_on, DEVICE_REPLACEMENT_YEARS[fitting.device_type])
                followup = need.met_on + timedelta(days=30)
                if followup <= today:
                    fitting.followup_on, fitting.followup_result = followup, "使用良好"
                    fitting.status = FittingStatus.CLOSED
                else:
                    fitting.status = FittingStatus.FITTED
            elif rng.random() < 0.5:
                fitting.status = FittingStatus.ASSESSED
                fitting.assessed_on = need.recorded_on
                fitting.assessor = "县康复辅具服务站评估组"
            fittings.append(fitting)
        elif need.need_type == ServiceType.HOME_CARE and need.status == NeedStatus.MET and len(plans) < PLAN_CAP:
            start = need.met_on
            plans.append(
                HomeCarePlan(
                    person_id=need.person_id,
                    need=need,
                    provider=rng.choice(home_care),
                    services=sorted(rng.sample([s.value for s in HomeCareService], rng.choice([1, 2, 3]))),
                    start_date=start,
                    end_date=_add_years(start, 1) - timedelta(days=1),
                    visits_per_month=rng.choice([2, 4, 4, 8]),
                )
            )
        elif need.need_type == ServiceType.ACCESSIBILITY:
            cost = Decimal(rng.randrange(2000, 8000, 100))
            done = need.status == NeedStatus.MET
            renovations.append(
                Renovation(
                    household_id=household_id,
                    person_id=need.person_id,
                    need=need,
                    provider=contractor,
                    items=rng.choice(["卫生间扶手、防滑地面", "门口坡道", "低位灶台、扶手", "蹲便改坐便、扶手"]),
                    planned_on=need.recorded_on,
                    completed_on=need.met_on if done else None,
                    cost=cost,
                    subsidy=min(cost, Decimal("2500.00")),
                    status=RenovationStatus.COMPLETED if done else RenovationStatus.PLANNED,
                )
            )
        elif need.status == NeedStatus.MET and need.need_type != ServiceType.HOME_CARE:
            provider = institution
            item = prices.get((provider.pk, need.need_type, ""))
            ledger.append(
                ServiceRecord(
                    person_id=need.person_id,
                    service_type=need.need_type,
                    provider=provider,
                    served_on=need.met_on,
                    amount=item.price if item else Decimal("0.00"),
                    subsidy=item.subsidy if item else Decimal("0.00"),
                    need=need,
                    description=str(ServiceType(need.need_type).label),
                )
            )
    DeviceFitting.objects.bulk_create(fittings, batch_size=BATCH)
    Renovation.objects.bulk_create(renovations, batch_size=BATCH)
    HomeCarePlan.objects.bulk_create(plans, batch_size=BATCH)
    for fitting in fittings:
        if fitting.fitted_on:
            ledger.append(
                ServiceRecord(
                    person_id=fitting.person_id,
                    service_type=ServiceType.DEVICE,
                    provider=supplier,
                    served_on=fitting.fitted_on,
                    amount=fitting.cost,
                    subsidy=fitting.subsidy,
                    need=fitting.need,
                    fitting=fitting,
                    description=str(DeviceType(fitting.device_type).label),
                )
            )
    for renovation in renovations:
        if renovation.completed_on:
            ledger.append(
                ServiceRecord(
                    person_id=renovation.person_id,
                    service_type=ServiceType.ACCESSIBILITY,
                    provider=contractor,
                    served_on=renovation.completed_on,
                    amount=renovation.cost,
                    subsidy=renovation.subsidy,
                    need=renovation.need,
                    renovation=renovation,
                    description=renovation.items,
                )
            )

    # ---- home-care visits: mostly as planned, some months short (the missed visits the page shows)
    visits = []
    for plan in plans:
        day = plan.start_date
        last = min(plan.end_date, today)
        step = max(1, 30 // plan.visits_per_month)
        while day <= last:
            if rng.random() < 0.9:
                visits.append(
                    HomeCareVisit(
                        plan=plan,
                        visited_on=day,
                        services=plan.services,
                        duration_minutes=rng.choice([45, 60, 90, 120]),
                        caregiver="护理员",
                    )
                )
            day += timedelta(days=step)
    HomeCareVisit.objects.bulk_create(visits, batch_size=BATCH)
    visit_prices = {p.pk: prices[(p.pk, ServiceType.HOME_CARE, "")] for p in home_care}
    for visit in visits:
        item = visit_prices[visit.plan.provider_id]
        ledger.append(
            ServiceRecord(
                person_id=visit.plan.person_id,
                service_type=ServiceType.HOME_CARE,
                provider_id=visit.plan.provider_id,
                served_on=visit.visited_on,
                amount=item.price,
                subsidy=item.subsidy,
                need=visit.plan.need,
                visit=visit,
                description="居家托养上门服务",
            )
        )

    # ---- children's rescue rehabilitation: children up to 6 on their application day
    seven_years_ago = _add_years(today, -7)
    children = list(
        Person.objects.filter(birth_date__gt=seven_years_ago + timedelta(days=60), death_date__isnull=True)
        .order_by("pk")
        .values_list("pk", "birth_date")[:5000]
    )
    rescues = []
    for pk, birth_date in rng.sample(children, min(CHILD_CAP, len(children))):
        applied = _day_between(rng, max(date(today.year, 1, 1), birth_date), today)
        kind = _pick(rng, {"training": 80, "device": 12, "surgery": 8})
        provider = child_centre if kind == "training" else (supplier if kind == "device" else providers["县人民医院"])
        amount = {"training": Decimal("20000.00"), "device": Decimal("3000.00"), "surgery": Decimal("15000.00")}[kind]
        rescues.append(
            ChildRescue(
                person_id=pk,
                applied_on=applied,
                condition=rng.choice(["hearing", "physical", "intellectual", "autism"]),
                rescue_kind=kind,
                provider=provider,
                start_date=applied,
                end_date=_add_years(applied, 1) - timedelta(days=1),
                amount=amount,
                is_orphan=rng.random() < 0.02,
                is_registered_poor=rng.random() < 0.1,
            )
        )
    ChildRescue.objects.bulk_create(rescues, batch_size=BATCH)
    kind_type = {"training": ServiceType.REHAB_TRAINING, "device": ServiceType.DEVICE, "surgery": ServiceType.SURGERY}
    for rescue in rescues:
        ledger.append(
            ServiceRecord(
                person_id=rescue.person_id,
                service_type=kind_type[rescue.rescue_kind],
                provider=rescue.provider,
                served_on=rescue.start_date,
                amount=rescue.amount,
                subsidy=rescue.amount,
                child_rescue=rescue,
                description="儿童康复救助",
            )
        )
    ServiceRecord.objects.bulk_create(ledger, batch_size=BATCH)
    counts = {
        "providers": len(providers),
        "survey_records": len(records),
        "needs": len(needs),
        "fittings": len(fittings),
        "plans": len(plans),
        "visits": len(visits),
        "renovations": len(renovations),
        "child_rescues": len(rescues),
        "service_records": len(ledger),
    }
    _say(stdout, "rehab: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts
