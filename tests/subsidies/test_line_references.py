"""Payment lines and stops carry no database foreign-key checks (a third of a 200,000-person run was spent on them);
what those constraints guaranteed still holds: every reference points at a row, a referenced person, township,
program or enrollment cannot be deleted, and a run's lines go with the run."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import ProtectedError

from subsidies.models import PaymentLine, PaymentRun, PaymentStop

pytestmark = pytest.mark.django_db

NOV = date(2026, 11, 1)
REFERENCES = {
    "subsidies_paymentline": {
        "run_id": "subsidies_paymentrun",
        "program_id": "subsidies_program",
        "person_id": "cases_person",
        "enrollment_id": "subsidies_enrollment",
        "township_id": "cases_township",
    },
    "subsidies_paymentstop": {
        "run_id": "subsidies_paymentrun",
        "person_id": "cases_person",
        "enrollment_id": "subsidies_enrollment",
        "township_id": "cases_township",
    },
}


@pytest.fixture
def computed_run(make_holder, enroll, compute):
    paid = make_holder(grade=1)
    stopped = make_holder(grade=3, category=4)
    for person in (paid, stopped):
        enroll(person, "nursing", start=date(2026, 9, 1))
    return compute("nursing", NOV), paid, stopped


def dangling(table: str, column: str, target: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {table} x LEFT JOIN {target} t ON t.id = x.{column} "
            f"WHERE x.{column} IS NOT NULL AND t.id IS NULL"
        )
        return cursor.fetchone()[0]


def test_every_reference_of_a_computed_run_points_at_a_row(computed_run):
    run, _paid, _stopped = computed_run
    assert run.lines.exists() and run.stops.exists()
    for table, columns in REFERENCES.items():
        for column, target in columns.items():
            assert dangling(table, column, target) == 0, (table, column)


def test_the_models_still_declare_the_relations_without_database_checks():
    for model in (PaymentLine, PaymentStop):
        relations = [
            f for f in model._meta.get_fields() if f.many_to_one and f.attname in REFERENCES[model._meta.db_table]
        ]
        assert {f.attname for f in relations} == set(REFERENCES[model._meta.db_table])
        assert not any(f.db_constraint for f in relations)


def test_a_person_with_lines_or_stops_cannot_be_deleted(computed_run):
    run, paid, stopped = computed_run
    with pytest.raises(ProtectedError):
        paid.delete()
    with pytest.raises(ProtectedError):
        stopped.delete()
    enrollment = run.lines.get(person=paid, month=NOV).enrollment
    with pytest.raises(ProtectedError):
        enrollment.delete()


def test_a_deleted_run_takes_its_lines_and_stops(computed_run):
    run, _paid, _stopped = computed_run
    run_id = run.pk
    PaymentRun.objects.filter(pk=run_id).delete()
    assert not PaymentLine.objects.filter(run_id=run_id).exists()
    assert not PaymentStop.objects.filter(run_id=run_id).exists()
