"""Samples for the permission walker: community records in township A (the liaison's) and township B."""

from datetime import date
from decimal import Decimal

from community.models import (
    CultureEvent,
    JobReferral,
    LegalCase,
    ReliefVisit,
    ShelteredWorkshop,
    SuspectedReport,
    TrainingAttendance,
    TrainingSession,
    WorkshopWorker,
)


def _objects_for(person, township, suffix):
    session = TrainingSession.objects.create(
        title=f"培训{suffix}",
        kind="vocational",
        township=township,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 5),
    )
    attendance = TrainingAttendance.objects.create(session=session, person=person)
    workshop = ShelteredWorkshop.objects.create(name=f"就业点{suffix}", township=township, opened_on=date(2025, 1, 1))
    worker = WorkshopWorker.objects.create(workshop=workshop, person=person, start_date=date(2025, 6, 1))
    event = CultureEvent.objects.create(
        title=f"活动{suffix}", kind="sports", township=township, held_on=date(2026, 5, 1)
    )
    ReliefVisit.objects.create(
        person=person,
        occasion="spring_festival",
        visited_on=date(2026, 1, 20),
        cash=Decimal("500"),
        fund_source="federation",
    )
    return {
        "person": person,
        "session": session,
        "attendance": attendance,
        "workshop": workshop,
        "worker": worker,
        "event": event,
        "referral": JobReferral.objects.create(person=person, employer="福利厂", referred_on=date(2026, 4, 1)),
        "case": LegalCase.objects.create(person=person, kind="legal_aid", opened_on=date(2026, 4, 2), subject="欠薪"),
        "report": SuspectedReport.objects.create(
            name=f"疑似{suffix}", township=township, reported_on=date(2026, 4, 3), source="村委会", suspected_category=4
        ),
    }


def build(world) -> None:
    world.community_a = _objects_for(world.person, world.township, "A")
    world.community_b = _objects_for(world.other_person, world.other_township, "B")


def _samples(objects) -> dict[str, dict]:
    person_id = objects["person"].pk
    return {
        "community:training_detail": {"pk": objects["session"].pk},
        "community:attendance_remove": {"pk": objects["attendance"].pk},
        "community:workshop_detail": {"pk": objects["workshop"].pk},
        "community:worker_leave": {"pk": objects["worker"].pk},
        "community:event_detail": {"pk": objects["event"].pk},
        "community:referral_place": {"pk": objects["referral"].pk},
        "community:case_close": {"pk": objects["case"].pk},
        "community:suspected_resolve": {"pk": objects["report"].pk},
        "community:person_referral_create": {"person_id": person_id},
        "community:person_relief_create": {"person_id": person_id},
        "community:person_case_create": {"person_id": person_id},
    }


def samples(world) -> dict[str, dict]:
    return _samples(world.community_a)


def foreign_samples(world) -> dict[str, dict]:
    return _samples(world.community_b)
