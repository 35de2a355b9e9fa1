"""Writes to the registry: persons, households, poverty status, exclusions, notes.

Every function is keyword-only, takes the acting user, validates with Chinese messages and runs in one
transaction. Import from here (`from cases.services import person_create`); the modules are an implementation detail.
"""

from .exclusions import exclusion_end, exclusion_record
from .households import (
    household_add_member,
    household_create,
    household_remove_member,
    household_set_head,
)
from .persons import (
    PERSON_EDITABLE_FIELDS,
    StalePersonError,
    person_create,
    person_death_date_correct,
    person_mark_deceased,
    person_mark_moved_out,
    person_moved_out_date_correct,
    person_note_add,
    person_register,
    person_update,
    poverty_status_set,
)

__all__ = [
    "PERSON_EDITABLE_FIELDS",
    "StalePersonError",
    "exclusion_end",
    "exclusion_record",
    "household_add_member",
    "household_create",
    "household_remove_member",
    "household_set_head",
    "person_create",
    "person_death_date_correct",
    "person_mark_deceased",
    "person_mark_moved_out",
    "person_moved_out_date_correct",
    "person_note_add",
    "person_register",
    "person_update",
    "poverty_status_set",
]
