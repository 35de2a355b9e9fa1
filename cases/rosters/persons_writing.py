"""The persons roster's writer: a validated plan upserted in bulk.

The changed rows are loaded with COPY into temporary tables and applied with one INSERT ... ON CONFLICT /
UPDATE ... FROM per table, in the caller's transaction. Audit triggers (pghistory) fire on those statements
like on any other write.
"""

from datetime import date

from django.db import connection

from .. import hooks
from .copy import copy_rows, temp_table
from .persons_plan import PERSON_COPY_COLUMNS, PersonsPlan


def write_persons(plan: PersonsPlan, *, acting_user_id: int | None, source: str, today: date) -> dict:
    """Apply a plan. Must run inside the caller's transaction (atomic); returns what was written."""
    counts = {"created": 0, "updated": 0, "households": 0, "certificates": 0, "poverty_records": 0}
    with connection.cursor() as cursor:
        if plan.households:
            temp_table(cursor, "_roster_household", "register_number text, township_id bigint, village_id bigint")
            copy_rows(cursor, "_roster_household", ("register_number", "township_id", "village_id"), plan.households)
            cursor.execute(
                """
                INSERT INTO cases_household (register_number, township_id, village_id, address, is_multi_disability,
                                             created_at, updated_at)
                SELECT register_number, township_id, village_id, '', false, now(), now() FROM _roster_household
                ON CONFLICT (register_number) DO NOTHING
                """
            )
            counts["households"] = cursor.rowcount
        person_ids = dict(plan.person_ids)
        if plan.persons:
            temp_table(
                cursor,
                "_roster_person",
                """id_number text, name text, sex text, birth_date date, ethnicity text, phone text, township_id bigint,
                   village_id bigint, household_no text, relation_to_head text, education_stage text,
                   social_security_card text, bank_name text, poverty_status text""",
            )
            copy_rows(cursor, "_roster_person", PERSON_COPY_COLUMNS, plan.persons)
            cursor.execute(
                """
                INSERT INTO cases_person AS p (
                    id_number, name, sex, birth_date, ethnicity, phone, address, township_id, village_id, household_id,
                    relation_to_head, guardian_name, guardian_phone, guardian_relation, education_stage,
                    social_security_card, bank_name, poverty_status, version, created_at, updated_at, created_by_id)
                SELECT t.id_number, t.name, t.sex, t.birth_date, t.ethnicity, t.phone, '', t.township_id, t.village_id,
                       h.id, t.relation_to_head, '', '', '', t.education_stage, t.social_security_card, t.bank_name,
                       t.poverty_status, 1, now(), now(), %s
                FROM _roster_person t LEFT JOIN cases_household h ON h.register_number = t.household_no
                ON CONFLICT (id_number) DO UPDATE SET
                    name = EXCLUDED.name, ethnicity = EXCLUDED.ethnicity, phone = EXCLUDED.phone,
                    township_id = EXCLUDED.township_id, village_id = EXCLUDED.village_id,
                    household_id = EXCLUDED.household_id, relation_to_head = EXCLUDED.relation_to_head,
                    education_stage = EXCLUDED.education_stage, social_security_card = EXCLUDED.social_security_card,
                    bank_name = EXCLUDED.bank_name, poverty_status = EXCLUDED.poverty_status,
                    version = p.version + 1, updated_at = now()
                RETURNING p.id, p.id_number, (xmax = 0)
                """,
                [acting_user_id],
            )
            for pk, id_number, inserted in cursor.fetchall():
                person_ids[id_number] = pk
                if inserted:
                    counts["created"] += 1
        # Updated: every existing person the plan writes anything for — their row, their card or their poverty
        # status — so that valid = created + updated + unchanged.
        counts["updated"] = len(
            {p[0] for p in plan.persons if p[0] in plan.person_ids}
            | {c[0] for c in plan.certificates if c[0] in plan.person_ids}
            | {p[0] for p in plan.poverty if p[0] in plan.person_ids}
        )
        if plan.certificates:
            temp_table(
                cursor,
                "_roster_certificate",
                """person_id bigint, certificate_id bigint, number text, category smallint, grade smallint,
                   generation smallint, issue_date date, expiry_date date, comment text""",
            )
            copy_rows(
                cursor,
                "_roster_certificate",
                (
                    "person_id",
                    "certificate_id",
                    "number",
                    "category",
                    "grade",
                    "generation",
                    "issue_date",
                    "expiry_date",
                    "comment",
                ),
                [(person_ids[c[0]], *c[1:]) for c in plan.certificates],
            )
            cursor.execute(
                """
                UPDATE certificates_certificate c SET number = t.number, category = t.category, grade = t.grade,
                       generation = t.generation, issue_date = t.issue_date, expiry_date = t.expiry_date, updated_at = now()
                FROM _roster_certificate t WHERE t.certificate_id IS NOT NULL AND c.id = t.certificate_id
                """
            )
            cursor.execute(
                """
                INSERT INTO certificates_certificate (person_id, number, category, grade, generation, issue_date,
                       expiry_date, status, ended_on, end_reason, assessment_id, created_at, updated_at)
                SELECT person_id, number, category, grade, generation, issue_date, expiry_date, 'active', NULL, '',
                       NULL, now(), now()
                FROM _roster_certificate WHERE certificate_id IS NULL
                """
            )
            cursor.execute(
                """
                INSERT INTO certificates_certificatelifecycleevent (person_id, certificate_id, kind, event_date, reason,
                       comment, assessment_id, acting_user_id, created_at)
                SELECT t.person_id, c.id, 'import', %s, '', t.comment, NULL, %s, now()
                FROM _roster_certificate t
                JOIN certificates_certificate c ON c.person_id = t.person_id AND c.status = 'active'
                """,
                [today, acting_user_id],
            )
            counts["certificates"] = len(plan.certificates)
        if plan.poverty:
            temp_table(
                cursor,
                "_roster_poverty",
                "person_id bigint, close_id bigint, close_end date, new_status text, start_date date",
            )
            copy_rows(
                cursor,
                "_roster_poverty",
                ("person_id", "close_id", "close_end", "new_status", "start_date"),
                [(person_ids[p[0]], *p[1:]) for p in plan.poverty],
            )
            cursor.execute(
                """
                UPDATE cases_povertyrecord r SET end_date = t.close_end
                FROM _roster_poverty t WHERE t.close_id IS NOT NULL AND r.id = t.close_id
                """
            )
            cursor.execute(
                """
                INSERT INTO cases_povertyrecord (person_id, status, start_date, end_date, source, created_at)
                SELECT person_id, new_status, start_date, NULL, %s, now() FROM _roster_poverty WHERE new_status IS NOT NULL
                """,
                [source[:100]],
            )
            counts["poverty_records"] = len(plan.poverty)
        household_ids = set(plan.household_ids)
        if plan.household_numbers:
            cursor.execute(
                "SELECT id FROM cases_household WHERE register_number = ANY(%s)", [sorted(plan.household_numbers)]
            )
            household_ids.update(pk for (pk,) in cursor.fetchall())
    if household_ids:
        refresh_multi_flags(sorted(household_ids), today)
    return counts


def refresh_multi_flags(household_ids: list[int], today: date) -> None:
    hooks.households_changed(household_ids=household_ids, on=today)
