"""Agency comparison: each kind's findings and edge cases, bad rows, unmatched numbers, apply through the registry
services (certificate cancelled / transferred, dated poverty records, audited with the list as source), idempotent
re-apply, and the second-person rule."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pghistory.models import Events

from cases.comparison.services import (
    comparison_apply_start,
    finding_deselect,
    finding_reselect,
)
from cases.models import (
    Comparison,
    ComparisonOrigin,
    ComparisonStatus,
    FindingKind,
    FindingOutcome,
    Person,
    PovertyRecord,
    PovertyStatus,
)
from certificates.models import CertificateStatus
from fedportal.accounts.models import Role
from fedportal.core.clock import local_today
from tests.factories import CertificateFactory, PersonFactory, PovertyRecordFactory, make_id_number

from .comparison_fixtures import apply, compare, findings_of, list_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(users):
    return users[Role.REVIEWER]


@pytest.fixture
def holder(village):
    person = PersonFactory(village=village, name="王五")
    CertificateFactory(person=person)
    return person


def _today():
    return local_today()


# --- deaths ----------------------------------------------------------------------------------------------------


def test_death_not_recorded_is_a_finding_and_applying_cancels_the_certificate(holder, caseworker, reviewer):
    day = _today() - timedelta(days=40)
    content = list_file("deaths", {"身份证号": holder.id_number, "姓名": "王五", "死亡日期": day.isoformat()})
    comparison = compare("deaths", content, user=caseworker, origin=ComparisonOrigin.WEB)
    assert comparison.status == ComparisonStatus.READY
    assert (comparison.rows, comparison.matched, comparison.unmatched_count, comparison.findings_count) == (1, 1, 0, 1)
    assert findings_of(comparison) == {(holder.id_number, FindingKind.DEATH): {"date": day.isoformat()}}

    assert apply(comparison, user=reviewer) == {"applied": 1}
    holder.refresh_from_db()
    assert holder.death_date == day
    certificate = holder.certificates.get()
    assert certificate.status == CertificateStatus.CANCELLED
    assert comparison.status == ComparisonStatus.APPLIED and comparison.applied_by == reviewer
    assert comparison.findings.get().outcome == FindingOutcome.APPLIED
    # Audited with the list as the source of the change.
    event = Events.objects.references(holder).filter(pgh_label="update").order_by("-pgh_created_at").first()
    assert "测试名单" in event.pgh_context["source"]
    assert event.pgh_context["comparison"] == comparison.pk


def test_death_already_recorded_with_the_same_date_finds_nothing(holder, caseworker):
    day = _today() - timedelta(days=3)
    Person.objects.filter(pk=holder.pk).update(death_date=day)
    content = list_file("deaths", {"身份证号": holder.id_number, "姓名": "王五", "死亡日期": day.isoformat()})
    comparison = compare("deaths", content, user=caseworker)
    assert comparison.matched == 1 and comparison.findings_count == 0


def test_death_recorded_with_another_date_is_corrected_to_the_lists(holder, caseworker):
    recorded, listed = _today() - timedelta(days=3), _today() - timedelta(days=30)
    Person.objects.filter(pk=holder.pk).update(death_date=recorded)
    content = list_file("deaths", {"身份证号": holder.id_number, "姓名": "王五", "死亡日期": listed.isoformat()})
    comparison = compare("deaths", content, user=caseworker)
    finding = comparison.findings.get()
    assert finding.kind == FindingKind.DEATH and finding.notes["registry_date"] == recorded.isoformat()
    apply(comparison, user=caseworker)
    holder.refresh_from_db()
    assert holder.death_date == listed


def test_unknown_id_number_is_listed_apart_not_an_error(holder, caseworker):
    stranger = make_id_number(birth=date(1980, 5, 5), sequence=77)
    content = list_file(
        "deaths",
        {"身份证号": stranger, "姓名": "路人", "死亡日期": "2026-01-02"},
        {"身份证号": holder.id_number, "姓名": "王五", "死亡日期": "2026-01-03"},
    )
    comparison = compare("deaths", content, user=caseworker)
    assert comparison.status == ComparisonStatus.READY
    assert comparison.unmatched == [{"row": 2, "id_number": stranger, "name": "路人"}]
    assert (comparison.rows, comparison.matched, comparison.unmatched_count) == (2, 1, 1)


def test_bad_rows_are_reported_by_row_and_column_and_block_applying(holder, caseworker, reviewer):
    content = list_file(
        "deaths",
        {"身份证号": holder.id_number, "姓名": "王五", "死亡日期": "2026-02-30"},
        {"身份证号": "360121197011210012", "姓名": "坏号", "死亡日期": "2026-01-01"},
        {"身份证号": 3.6012119701121e17, "姓名": "浮点", "死亡日期": "2026-01-01"},
        {"身份证号": holder.id_number, "姓名": "王五", "死亡日期": (_today() + timedelta(days=2)).isoformat()},
    )
    comparison = compare("deaths", content, user=caseworker, origin=ComparisonOrigin.WEB)
    assert comparison.status == ComparisonStatus.INVALID
    where = {(issue["row"], issue["column"]) for issue in comparison.issues}
    assert where == {(2, "死亡日期"), (3, "身份证号"), (4, "身份证号"), (5, "身份证号"), (5, "死亡日期")}
    assert "不存在" in next(i["message"] for i in comparison.issues if i["row"] == 2)
    assert "Excel" in next(i["message"] for i in comparison.issues if i["row"] == 4)
    with pytest.raises(ValidationError):
        comparison_apply_start(comparison=comparison, acting_user=reviewer)
    holder.refresh_from_db()
    assert holder.death_date is None


def test_missing_column_is_a_bad_row(caseworker):
    content = list_file("deaths", {"身份证号": "360121197011210013", "姓名": "甲"}, header=["身份证号", "姓名"])
    comparison = compare("deaths", content, user=caseworker)
    assert comparison.status == ComparisonStatus.INVALID
    assert comparison.issues[0]["row"] == 1 and comparison.issues[0]["column"] == "死亡日期"


def test_hostile_file_is_refused_with_a_message_before_it_is_stored(caseworker):
    with pytest.raises(ValidationError) as refused:
        compare("deaths", b"PK\x03\x04 not a workbook", user=caseworker)
    assert "损坏" in refused.value.message_dict["file"][0]
    assert not Comparison.objects.exists()


# --- moves -----------------------------------------------------------------------------------------------------


def test_move_transfers_the_certificate_and_reapplying_finds_nothing(holder, caseworker, reviewer):
    day = _today() - timedelta(days=10)
    row = {"身份证号": holder.id_number, "姓名": "王五", "迁出日期": day.isoformat(), "迁往地": "南昌市东湖区"}
    comparison = compare("moves", list_file("moves", row), user=caseworker)
    assert findings_of(comparison) == {
        (holder.id_number, FindingKind.MOVE): {"date": day.isoformat(), "destination": "南昌市东湖区"}
    }
    apply(comparison, user=reviewer)
    holder.refresh_from_db()
    assert holder.moved_out_date == day
    assert holder.certificates.get().status == CertificateStatus.TRANSFERRED_OUT

    again = compare("moves", list_file("moves", row), user=caseworker)
    assert again.matched == 1 and again.findings_count == 0
    assert apply(again, user=reviewer) == {"applied": 0}


# --- poverty ---------------------------------------------------------------------------------------------------


def test_poverty_roll_start_change_end_and_not_carried(village, caseworker, reviewer):
    as_of = _today()
    newly = PersonFactory(village=village, name="新低保")
    changed = PersonFactory(village=village, name="转特困", poverty_status=PovertyStatus.DIBAO)
    PovertyRecordFactory(person=changed, status=PovertyStatus.DIBAO, start_date=date(2019, 1, 1))
    same = PersonFactory(village=village, name="不变", poverty_status=PovertyStatus.DIBAO)
    PovertyRecordFactory(person=same, status=PovertyStatus.DIBAO, start_date=date(2018, 3, 1))
    ended = PersonFactory(village=village, name="名单终止", poverty_status=PovertyStatus.MARGINAL)
    PovertyRecordFactory(person=ended, status=PovertyStatus.MARGINAL, start_date=date(2020, 1, 1))
    dropped = PersonFactory(village=village, name="名单未列", poverty_status=PovertyStatus.DIBAO)
    PovertyRecordFactory(person=dropped, status=PovertyStatus.DIBAO, start_date=date(2017, 1, 1))
    monitored = PersonFactory(village=village, name="监测", poverty_status=PovertyStatus.MONITORED)
    PovertyRecordFactory(person=monitored, status=PovertyStatus.MONITORED, start_date=date(2022, 1, 1))
    end_day = as_of - timedelta(days=20)
    content = list_file(
        "poverty",
        {"身份证号": newly.id_number, "姓名": "新低保", "救助类型": "低保", "起始日期": "2026-01-01"},
        {"身份证号": changed.id_number, "姓名": "转特困", "救助类型": "特困供养", "起始日期": "2026-02-01"},
        {"身份证号": same.id_number, "姓名": "不变", "救助类型": "低保", "起始日期": "2018-05-01"},
        {
            "身份证号": ended.id_number,
            "姓名": "名单终止",
            "救助类型": "低保边缘",
            "起始日期": "2020-01-01",
            "终止日期": end_day.isoformat(),
        },
    )
    comparison = compare("poverty", content, user=caseworker, as_of=as_of)
    assert comparison.status == ComparisonStatus.READY, comparison.issues
    found = findings_of(comparison)
    assert found == {
        (newly.id_number, FindingKind.POVERTY_START): {
            "date": "2026-01-01",
            "status": "dibao",
            "registry_status": "none",
        },
        (changed.id_number, FindingKind.POVERTY_CHANGE): {
            "date": "2026-02-01",
            "status": "extreme",
            "registry_status": "dibao",
        },
        (ended.id_number, FindingKind.POVERTY_END): {
            "date": (end_day + timedelta(days=1)).isoformat(),
            "status": "none",
            "registry_status": "marginal",
        },
        (dropped.id_number, FindingKind.POVERTY_END): {
            "date": as_of.isoformat(),
            "status": "none",
            "registry_status": "dibao",
        },
    }
    # 监测对象 is not a 民政 roll's status: its absence ends nothing. A same status with another date is no finding.
    assert comparison.findings.filter(person__in=[monitored, same]).count() == 0
    assert sorted(comparison.roll_person_ids) == sorted([newly.pk, same.pk])

    apply(comparison, user=reviewer)
    assert comparison.applied_count == 4
    newly.refresh_from_db()
    assert newly.poverty_status == PovertyStatus.DIBAO
    record = PovertyRecord.objects.get(person=newly)
    assert (record.start_date, record.end_date) == (date(2026, 1, 1), None)
    assert "测试名单" in record.source
    assert list(
        PovertyRecord.objects.filter(person=changed).order_by("start_date").values_list("status", "end_date")
    ) == [("dibao", date(2026, 1, 31)), ("extreme", None)]
    assert PovertyRecord.objects.get(person=ended).end_date == end_day
    assert PovertyRecord.objects.get(person=dropped).end_date == as_of - timedelta(days=1)
    dropped.refresh_from_db()
    assert dropped.poverty_status == PovertyStatus.NONE

    again = compare("poverty", content, user=caseworker, as_of=as_of)
    assert again.findings_count == 0


def test_poverty_start_before_the_open_record_begins_after_it(village, caseworker):
    person = PersonFactory(village=village, poverty_status=PovertyStatus.MONITORED)
    PovertyRecordFactory(person=person, status=PovertyStatus.MONITORED, start_date=date(2025, 6, 1))
    content = list_file(
        "poverty", {"身份证号": person.id_number, "姓名": person.name, "救助类型": "低保", "起始日期": "2024-01-01"}
    )
    comparison = compare("poverty", content, user=caseworker)
    finding = comparison.findings.get()
    assert finding.change["date"] == "2025-06-02" and finding.notes["adjusted_from"] == "2024-01-01"
    apply(comparison, user=caseworker)
    assert PovertyRecord.objects.get(person=person, end_date__isnull=True).start_date == date(2025, 6, 2)


def test_poverty_bad_type_and_dates(village, caseworker):
    person = PersonFactory(village=village)
    content = list_file(
        "poverty",
        {"身份证号": person.id_number, "姓名": person.name, "救助类型": "五保", "起始日期": "2024-01-01"},
        {
            "身份证号": make_id_number(sequence=9),
            "姓名": "乙",
            "救助类型": "低保",
            "起始日期": "2024-05-01",
            "终止日期": "2024-04-01",
        },
        {"身份证号": make_id_number(sequence=10), "姓名": "丙", "救助类型": "低保", "起始日期": "2024/05/01"},
    )
    comparison = compare("poverty", content, user=caseworker)
    assert {(i["row"], i["column"]) for i in comparison.issues} == {(2, "救助类型"), (3, "终止日期"), (4, "起始日期")}
    assert comparison.status == ComparisonStatus.INVALID


def test_duplicate_id_number_in_one_list_is_a_bad_row(holder, caseworker):
    row = {"身份证号": holder.id_number, "姓名": "王五", "死亡日期": "2026-01-02"}
    comparison = compare("deaths", list_file("deaths", row, row), user=caseworker)
    assert [(i["row"], i["column"]) for i in comparison.issues] == [(3, "身份证号")]


def test_name_that_differs_is_shown_as_a_warning(holder, caseworker):
    content = list_file("deaths", {"身份证号": holder.id_number, "姓名": "王六", "死亡日期": "2026-01-02"})
    finding = compare("deaths", content, user=caseworker).findings.get()
    assert finding.notes == {"list_name": "王六"}


# --- review and the second person ------------------------------------------------------------------------------


def test_uploader_cannot_apply_and_deselected_findings_are_left_alone(village, caseworker, reviewer):
    first = PersonFactory(village=village)
    second = PersonFactory(village=village)
    content = list_file(
        "deaths",
        {"身份证号": first.id_number, "姓名": first.name, "死亡日期": "2026-01-02"},
        {"身份证号": second.id_number, "姓名": second.name, "死亡日期": "2026-01-03"},
    )
    comparison = compare("deaths", content, user=caseworker, origin=ComparisonOrigin.WEB)
    with pytest.raises(PermissionDenied):
        comparison_apply_start(comparison=comparison, acting_user=caseworker)
    finding = comparison.findings.get(person=second)
    with pytest.raises(ValidationError):
        finding_deselect(finding=finding, reason=" ", acting_user=reviewer)
    finding_deselect(finding=finding, reason="家属称尚在世，待核实", acting_user=reviewer)
    finding_reselect(finding=finding, acting_user=reviewer)
    finding_deselect(finding=finding, reason="家属称尚在世，待核实", acting_user=reviewer)

    started = comparison_apply_start(comparison=comparison, acting_user=reviewer)
    assert started.status == ComparisonStatus.APPLYING and started.apply_job.created_by == reviewer
    with pytest.raises(ValidationError):  # once only
        comparison_apply_start(comparison=comparison, acting_user=reviewer)
    apply(comparison, user=reviewer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.death_date == date(2026, 1, 2) and second.death_date is None
    outcome = dict(comparison.findings.values_list("person_id", "outcome"))
    assert outcome == {first.pk: FindingOutcome.APPLIED, second.pk: FindingOutcome.DESELECTED}
    assert comparison.findings.get(person=second).deselect_reason == "家属称尚在世，待核实"


def test_a_finding_recorded_by_someone_else_meanwhile_is_skipped(holder, caseworker, reviewer):
    from cases.services import person_mark_deceased

    content = list_file("deaths", {"身份证号": holder.id_number, "姓名": "王五", "死亡日期": "2026-01-02"})
    comparison = compare("deaths", content, user=caseworker, origin=ComparisonOrigin.WEB)
    person_mark_deceased(person=holder, death_date=date(2026, 1, 2), acting_user=caseworker)
    apply(comparison, user=reviewer)
    finding = comparison.findings.get()
    assert finding.outcome == FindingOutcome.SKIPPED and comparison.applied_count == 0


def test_liaison_and_leader_may_not_upload(users):
    from cases.comparison.services import comparison_upload

    for role in (Role.LIAISON, Role.LEADER, Role.FINANCE):
        with pytest.raises(PermissionDenied):
            comparison_upload(
                kind="deaths",
                source="x",
                as_of=_today(),
                filename="a.xlsx",
                content=b"",
                acting_user=users[role],
            )


def test_the_database_refuses_the_uploader_as_applier_for_web_uploads(holder, caseworker):
    from django.db import IntegrityError

    content = list_file("deaths", {"身份证号": holder.id_number, "姓名": "王五", "死亡日期": "2026-01-02"})
    comparison = compare("deaths", content, user=caseworker, origin=ComparisonOrigin.WEB)
    comparison.applied_by = caseworker
    with pytest.raises(IntegrityError):
        comparison.save(update_fields=["applied_by"])


def test_a_compare_or_apply_job_that_never_finished_leaves_the_list_actionable(holder, caseworker, reviewer):
    """A job cancelled, or whose worker died (failed by the stale check): the list is not left "comparing" or
    "applying" forever."""
    from datetime import timedelta as delta

    from django.utils import timezone

    from cases.comparison.services import comparison_apply_start
    from fedportal.jobs.models import Job, JobStatus
    from fedportal.jobs.services import job_cancel, job_fail_stale

    content = list_file("deaths", {"身份证号": holder.id_number, "姓名": "王五", "死亡日期": "2026-01-02"})
    comparison = compare("deaths", content, user=caseworker, origin=ComparisonOrigin.WEB)
    assert comparison.status == ComparisonStatus.READY
    comparison = comparison_apply_start(comparison=comparison, acting_user=reviewer)
    assert comparison.status == ComparisonStatus.APPLYING
    long_ago = timezone.now() - delta(minutes=10)
    Job.objects.filter(pk=comparison.apply_job_id).update(
        status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    assert job_fail_stale() == 1
    comparison.refresh_from_db()
    assert comparison.status == ComparisonStatus.READY  # a second person can apply it again
    holder.refresh_from_db()
    assert holder.death_date is None

    Comparison.objects.filter(pk=comparison.pk).update(status=ComparisonStatus.COMPARING)
    job = Job.objects.create(kind="comparison.compare", created_by=caseworker, params={"comparison_id": comparison.pk})
    job_cancel(job=job, acting_user=caseworker)
    comparison.refresh_from_db()
    assert comparison.status == ComparisonStatus.FAILED
