"""The persons roster's plan: what validation hands the writer, and the row layout both sides agree on."""

from dataclasses import dataclass, field


@dataclass
class PersonsPlan:
    households: list[tuple] = field(default_factory=list)  # (register_number, township_id, village_id)
    persons: list[tuple] = field(default_factory=list)  # see PERSON_COPY_COLUMNS
    certificates: list[tuple] = field(
        default_factory=list
    )  # (id_number, cert_id, number, cat, grade, gen, issue, expiry, comment)
    poverty: list[tuple] = field(default_factory=list)  # (id_number, close_id, close_end, new_status, start)
    household_ids: set = field(default_factory=set)
    household_numbers: set = field(default_factory=set)
    new_card_comment: str = ""
    person_ids: dict = field(default_factory=dict)  # id_number -> id of existing persons


# The layout of PersonsPlan.persons rows: built by the validation, copied in this order by the writer.
PERSON_COPY_COLUMNS = (
    "id_number",
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "phone",
    "township_id",
    "village_id",
    "household_no",
    "relation_to_head",
    "education_stage",
    "social_security_card",
    "bank_name",
    "poverty_status",
)
