"""Writing a persons roster: one transaction, upsert by ID number, idempotent, audited, all or nothing."""

from datetime import date

import pghistory
import pytest
from django.db import connection

from cases.models import Household, Person, PovertyRecord, RosterKind
from cases.rosters import persons_writing
from cases.rosters.services import RosterNotValid, roster_apply, roster_check
from certificates.models import Certificate, CertificateLifecycleEvent
from tests.factories import CertificateFactory, PersonFactory, PovertyRecordFactory

from .roster_fixtures import person_row, persons_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def divisions(township, village, other_township, other_village):
    return township


def run(content, user=None, township=None):
    report = roster_check(content=content, kind=RosterKind.PERSONS, township=township)
    with pghistory.context(user=getattr(user, "pk", None), command="test"):
        return report, roster_apply(report=report, acting_user=user, source="测试导入")


def table_counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in (
            "cases_person",
            "cases_household",
            "cases_povertyrecord",
            "certificates_certificate",
            "certificates_certificatelifecycleevent",
            "cases_personevent",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


def test_import_creates_persons_households_certificates_and_poverty(divisions, caseworker):
    _report, counts = run(
        persons_file(person_row(1), person_row(2, 户籍编号="HH000001", 与户主关系="配偶")), caseworker
    )
    assert counts["created"] == 2 and counts["updated"] == 0
    person = Person.objects.get(name="张1")
    assert person.sex == "M" and person.birth_date == date(1970, 11, 21)
    assert person.household.register_number == "HH000001" and person.township.name == "莲塘镇"
    assert person.poverty_status == "dibao" and person.created_by == caseworker
    assert Household.objects.count() == 1
    card = Certificate.objects.get(person=person, status="active")
    assert (card.category, card.grade, card.generation, card.number) == (4, 2, 3, person.id_number + "42")
    event = CertificateLifecycleEvent.objects.get(certificate=card)
    assert event.kind == "import" and event.acting_user == caseworker
    record = PovertyRecord.objects.get(person=person)
    assert (record.status, record.start_date, record.end_date) == ("dibao", date(2021, 1, 1), None)
    # Two members with valid third-generation cards: a multi-disability household.
    assert Household.objects.get().is_multi_disability


def test_uploading_the_same_file_twice_changes_nothing(divisions, caseworker):
    content = persons_file(person_row(1), person_row(2), person_row(3, 低保状态="无", 低保起始日期=""))
    run(content, caseworker)
    before = table_counts()
    report, counts = run(content, caseworker)
    assert (report.to_create, report.to_update, report.unchanged) == (0, 0, 3)
    assert counts["created"] == counts["updated"] == 0
    assert table_counts() == before  # not even an audit event


def test_changes_update_in_place_and_poverty_opens_a_new_period(divisions, caseworker, village):
    person = PersonFactory(village=village, township=village.township, name="旧名", poverty_status="dibao")
    PovertyRecordFactory(person=person, status="dibao", start_date=date(2019, 1, 1))
    card = CertificateFactory(
        person=person, category=4, grade=2, issue_date=date(2020, 3, 15), expiry_date=date(2030, 3, 13)
    )
    row = person_row(1, id_number=person.id_number, 姓名="新名", 低保状态="特困供养", 低保起始日期="2024-05-01")
    report, counts = run(persons_file(row), caseworker)
    assert (report.to_update, counts["updated"]) == (1, 1)
    person.refresh_from_db()
    assert person.name == "新名" and person.poverty_status == "extreme" and person.version == 2
    card.refresh_from_db()
    assert card.expiry_date == date(2030, 3, 14) and card.status == "active" and card.number.endswith("42")
    assert "有效期至" in CertificateLifecycleEvent.objects.get(certificate=card).comment
    old, new = PovertyRecord.objects.filter(person=person).order_by("start_date")
    assert old.end_date == date(2024, 4, 30) and (new.status, new.start_date, new.end_date) == (
        "extreme",
        date(2024, 5, 1),
        None,
    )
    # Same status again with another date: nothing changes.
    again = person_row(1, id_number=person.id_number, 姓名="新名", 低保状态="特困供养", 低保起始日期="2024-09-01")
    report, _ = run(persons_file(again), caseworker)
    assert report.unchanged == 1


def test_status_none_closes_the_open_record(divisions, caseworker, village):
    person = PersonFactory(village=village, township=village.township, name="张1", poverty_status="dibao")
    PovertyRecordFactory(person=person, status="dibao", start_date=date(2019, 1, 1))
    run(persons_file(person_row(1, id_number=person.id_number, 低保状态="无", 低保起始日期="2024-01-01")), caseworker)
    person.refresh_from_db()
    assert person.poverty_status == "none"
    assert PovertyRecord.objects.get(person=person).end_date == date(2023, 12, 31)


def test_a_file_with_any_invalid_row_writes_nothing(divisions, caseworker):
    before = table_counts()
    report = roster_check(
        content=persons_file(person_row(1), person_row(2, 姓名="")), kind=RosterKind.PERSONS, township=None
    )
    with pytest.raises(RosterNotValid):
        roster_apply(report=report, acting_user=caseworker, source="x")
    assert table_counts() == before


def test_an_import_failing_midway_leaves_the_database_as_before(divisions, caseworker, monkeypatch):
    before = table_counts()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(persons_writing, "refresh_multi_flags", explode)
    with pytest.raises(RuntimeError):
        run(persons_file(person_row(1), person_row(2)), caseworker)
    assert table_counts() == before


def test_every_change_is_in_the_audit_trail_with_its_context(divisions, caseworker):
    run(persons_file(person_row(1)), caseworker)
    person = Person.objects.get()
    event = person.audit_events.get()
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata["user"] == caseworker.pk
    assert event.pgh_context.metadata["command"] == "test"
