"""Samples for the permission walker (tests/test_permissions_walk.py): one object of each kind in township A (the
liaison's) and one in township B."""

from datetime import date
from decimal import Decimal

from rehab.models import (
    ChildRescue,
    DeviceFitting,
    HomeCarePlan,
    Need,
    Provider,
    ProviderContract,
    ProviderKind,
    Renovation,
    SurveyRound,
)


def _objects_for(person, provider, suffix):
    need = Need.objects.create(
        person=person, need_type="device", device_type="wheelchair", recorded_on=date(2026, 1, 5)
    )
    fitting = DeviceFitting.objects.create(person=person, device_type="wheelchair", need=need)
    plan = HomeCarePlan.objects.create(
        person=person,
        provider=provider,
        services=["daily_care"],
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        visits_per_month=4,
    )
    rescue = ChildRescue.objects.create(
        person=person,
        applied_on=date(2026, 1, 5),
        condition="autism",
        rescue_kind="training",
        provider=provider,
        start_date=date(2026, 1, 5),
        end_date=date(2026, 6, 30),
        amount=Decimal("1000.00"),
    )
    renovation = None
    if person.household_id:
        renovation = Renovation.objects.create(
            household_id=person.household_id,
            person=person,
            items=f"扶手{suffix}",
            planned_on=date(2026, 1, 5),
            cost=Decimal("3000"),
            subsidy=Decimal("2000"),
        )
    return {
        "person": person,
        "need": need,
        "fitting": fitting,
        "plan": plan,
        "rescue": rescue,
        "renovation": renovation,
    }


def build(world) -> None:
    provider = Provider.objects.create(name="样例托养机构", kind=ProviderKind.HOME_CARE)
    ProviderContract.objects.create(provider=provider, start_date=date(2024, 1, 1), end_date=date(2030, 12, 31))
    world.rehab_provider = provider
    world.rehab_round = SurveyRound.objects.create(
        year=2026, title="2026年动态更新", start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
    )
    world.rehab_a = _objects_for(world.person, provider, "A")
    world.rehab_b = _objects_for(world.other_person, provider, "B")


def _samples(world, objects) -> dict[str, dict]:
    person_id = objects["person"].pk
    samples = {
        "rehab:person_rehab": {"person_id": person_id},
        "rehab:need_create": {"person_id": person_id},
        "rehab:service_create": {"person_id": person_id},
        "rehab:fitting_create": {"person_id": person_id},
        "rehab:plan_create": {"person_id": person_id},
        "rehab:child_create": {"person_id": person_id},
        "rehab:renovation_create": {"person_id": person_id},
        "rehab:need_detail": {"pk": objects["need"].pk},
        "rehab:need_cancel": {"pk": objects["need"].pk},
        "rehab:need_to_fitting": {"pk": objects["need"].pk},
        "rehab:fitting_detail": {"pk": objects["fitting"].pk},
        "rehab:fitting_assess": {"pk": objects["fitting"].pk},
        "rehab:fitting_fit": {"pk": objects["fitting"].pk},
        "rehab:fitting_followup": {"pk": objects["fitting"].pk},
        "rehab:fitting_cancel": {"pk": objects["fitting"].pk},
        "rehab:plan_detail": {"pk": objects["plan"].pk},
        "rehab:plan_end": {"pk": objects["plan"].pk},
        "rehab:visit_create": {"pk": objects["plan"].pk},
        "rehab:survey_record_edit": {"pk": world.rehab_round.pk, "person_id": person_id},
    }
    if objects["renovation"] is not None:
        samples["rehab:renovation_complete"] = {"pk": objects["renovation"].pk}
    return samples


def samples(world) -> dict[str, dict]:
    provider = {"pk": world.rehab_provider.pk}
    return {
        **_samples(world, world.rehab_a),
        "rehab:provider_detail": provider,
        "rehab:provider_edit": provider,
        "rehab:contract_add": provider,
        "rehab:provider_service_add": provider,
        "rehab:provider_statement": provider,
        "rehab:survey_round_detail": {"pk": world.rehab_round.pk},
        "rehab:survey_round_toggle": {"pk": world.rehab_round.pk},
        "rehab:survey_person_list": {"pk": world.rehab_round.pk},
    }


# Providers and survey rounds belong to the county; what a round lists inside is scoped by township.
COUNTY_WIDE_URLS = {
    "rehab:provider_detail",
    "rehab:provider_edit",
    "rehab:contract_add",
    "rehab:provider_service_add",
    "rehab:provider_statement",
    "rehab:survey_round_detail",
    "rehab:survey_round_toggle",
    "rehab:survey_person_list",
}


def foreign_samples(world) -> dict[str, dict]:
    return _samples(world, world.rehab_b)
