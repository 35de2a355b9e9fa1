"""Samples for the permission walker: every registry URL with kwargs, for township A and township B."""


def build(world) -> None:
    from datetime import date

    from cases.models import PersonExclusion

    for person in (world.person, world.other_person):
        PersonExclusion.objects.create(
            person=person, kind="fraud", start_date=date(2026, 1, 1), source="walk", created_by=world.users["admin"]
        )


def _kwargs(person) -> dict[str, dict]:
    by_person = {"pk": person.pk}
    return {
        "cases:person_detail": by_person,
        "cases:person_edit": by_person,
        "cases:person_reveal": {"pk": person.pk, "field": "id_number"},
        "cases:person_poverty": by_person,
        "cases:person_exclusion_add": by_person,
        "cases:person_exclusion_end": {"pk": person.pk, "exclusion_pk": person.exclusions.first().pk},
        "cases:person_death": by_person,
        "cases:person_move_out": by_person,
        "cases:person_note_add": by_person,
        "cases:person_pdf": by_person,
        "cases:household_detail": {"pk": person.household_id},
        "cases:household_add_member": {"pk": person.household_id},
        "cases:household_set_head": {"pk": person.household_id},
    }


def samples(world) -> dict[str, dict]:
    return _kwargs(world.person)


def foreign_samples(world) -> dict[str, dict]:
    return _kwargs(world.other_person)
