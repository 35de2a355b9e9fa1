"""Comparison services: one path for the browser (through jobs) and the command (synchronously).

comparison_upload     keep the list and start the compare job
comparison_compare    the compare job: match, money effects (asked of the rules through the hook), findings stored
finding_deselect / finding_reselect
comparison_apply_start / comparison_apply: a second person applies every selected finding in one transaction
"""

import hashlib
from contextlib import contextmanager
from datetime import date

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Person
from cases.services import (
    person_death_date_correct,
    person_mark_deceased,
    person_mark_moved_out,
    person_moved_out_date_correct,
    poverty_status_set,
)
from fedportal.accounts.permissions import COUNTY_WIDE, Perm, authorize
from fedportal.core.clock import local_today
from fedportal.jobs.models import Job
from fedportal.jobs.services import JobEnqueueError, job_create

from . import hooks
from .checking import ComparisonReport, comparison_check
from .models import (
    Comparison,
    ComparisonFinding,
    ComparisonKind,
    ComparisonOrigin,
    ComparisonStatus,
    FindingKind,
    FindingOutcome,
)
from .reading import ListFileError, inspect_list
from .schema import injury_supported
from .workbooks import build_result

COMPARE_JOB = "comparison.compare"
APPLY_JOB = "comparison.apply"


class ComparisonNotValid(Exception):
    def __init__(self, report: ComparisonReport):
        super().__init__(_("名单有错误行，未应用任何差异。"))
        self.report = report


def _require(user, perm: Perm) -> None:
    # Comparisons are county work (a list of the whole county): no township user may upload or apply one.
    authorize(user, perm, COUNTY_WIDE)


def _max_bytes() -> int:
    # The same upload limit as rosters: one bounded reader for every uploaded workbook.
    return settings.ROSTER_MAX_UPLOAD_BYTES


def _source_text(comparison: Comparison) -> str:
    return (_("数据比对 #%(id)s：%(source)s") % {"id": comparison.pk, "source": comparison.source})[:100]


def comparison_upload(
    *, kind: str, source: str, as_of: date, filename: str, content: bytes, acting_user, origin: str = "web"
) -> Comparison:
    """Keep the uploaded list and start its compare job (web); the command compares synchronously instead."""
    _require(acting_user, Perm.COMPARISON_UPLOAD)
    if kind not in ComparisonKind.values:
        raise ValidationError(_("未知的名单类型。"))
    if kind == ComparisonKind.INJURY and not injury_supported():
        raise ValidationError(_("工伤保险生活护理费名单的比对需要“暂停/排除享受记录”，本系统尚未启用。"))
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": _("请填写名单来源，例如“县公安局 2026 年 11 月死亡名单”。")})
    if as_of > local_today():
        raise ValidationError({"as_of": _("名单日期不能晚于今天。")})
    if len(content) > _max_bytes():
        raise ValidationError(
            _("文件大小为 %(size).1f MB，超过上限 %(limit).0f MB。请拆分后上传。")
            % {"size": len(content) / 1048576, "limit": _max_bytes() / 1048576}
        )
    # A hostile or unreadable list is refused here, in constant memory, before anything is stored or enqueued.
    try:
        inspect_list(content)
    except ListFileError as exc:
        raise ValidationError({"file": exc.message}, code=exc.code) from None

    comparison = None
    try:
        with transaction.atomic():
            comparison = _stored_list(
                kind=kind,
                source=source,
                as_of=as_of,
                origin=origin,
                filename=filename,
                content=content,
                acting_user=acting_user,
            )
    except JobEnqueueError as exc:
        # The queue is down: nothing of this upload stays behind (no comparison "comparing" forever, no stored file).
        _discard_upload(comparison)
        raise ValidationError({"file": str(exc)}, code="queue_unavailable") from None
    return comparison


def _stored_list(*, kind, source, as_of, origin, filename, content, acting_user) -> Comparison:

    comparison = Comparison(
        kind=kind,
        source=source[:100],
        as_of=as_of,
        origin=origin,
        original_name=filename[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=acting_user,
    )
    comparison.file.save(_safe_name(filename), ContentFile(content), save=False)
    comparison.save()
    if origin == ComparisonOrigin.WEB:
        job = job_create(kind=COMPARE_JOB, acting_user=acting_user, params={"comparison_id": comparison.pk})
        Comparison.objects.filter(pk=comparison.pk).update(compare_job=job)
        comparison.compare_job = job
    return comparison


def _discard_upload(comparison: Comparison | None) -> None:
    if comparison is None or comparison.pk is None:
        return

    job_id = Comparison.objects.filter(pk=comparison.pk).values_list("compare_job", flat=True).first()
    if comparison.file:
        comparison.file.delete(save=False)
    Comparison.objects.filter(pk=comparison.pk).delete()
    Job.objects.filter(pk=job_id).delete()


def _safe_name(filename: str) -> str:
    stem = "".join(ch for ch in filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] if ch.isalnum() or ch in "._-")
    return (stem or "list")[-80:] if stem.lower().endswith(".xlsx") else (stem or "list")[-75:] + ".xlsx"


def _read_file(comparison: Comparison) -> bytes:
    with comparison.file.open("rb") as handle:
        return handle.read()


def _check(comparison: Comparison, progress=None) -> ComparisonReport:
    return comparison_check(
        content=_read_file(comparison),
        kind=comparison.kind,
        as_of=comparison.as_of,
        today=local_today(),
        progress=progress,
    )


# --- Applying one finding through the registry's services ------------------------------------------------------


def _apply_finding(*, kind: str, change: dict, notes: dict, person: Person, acting_user, source: str) -> None:
    """One finding through the registry service a caseworker would use; every one of them is @transaction.atomic."""
    day = date.fromisoformat(change["date"])
    if kind == FindingKind.DEATH:
        if person.death_date is None:
            person_mark_deceased(person=person, death_date=day, acting_user=acting_user, comment=source)
        else:
            person_death_date_correct(person=person, death_date=day, acting_user=acting_user)
    elif kind == FindingKind.MOVE:
        if person.moved_out_date is None:
            person_mark_moved_out(
                person=person,
                moved_out_date=day,
                destination=change.get("destination", ""),
                acting_user=acting_user,
            )
        else:
            person_moved_out_date_correct(person=person, moved_out_date=day, acting_user=acting_user)
    elif kind in (FindingKind.POVERTY_START, FindingKind.POVERTY_CHANGE, FindingKind.POVERTY_END):
        poverty_status_set(
            person=person, status=change["status"], start_date=day, source=source, acting_user=acting_user
        )
    elif kind == FindingKind.INJURY_START and injury_supported():
        from cases.models import ExclusionKind
        from cases.services import exclusion_record

        exclusion_record(
            person=person,
            kind=ExclusionKind.WORK_INJURY,
            start_date=day,
            end_date=date.fromisoformat(change["end"]) if change.get("end") else None,
            source=source,
            acting_user=acting_user,
        )
    elif kind == FindingKind.INJURY_END and injury_supported():
        from cases.models import PersonExclusion
        from cases.services import exclusion_end

        exclusion = PersonExclusion.objects.get(pk=change["exclusion"], person=person)
        exclusion_end(exclusion=exclusion, end_date=day, source=source, acting_user=acting_user)
    else:
        raise ValidationError(_("此类差异暂不能自动应用。"))


def _effective_day(kind: str, change: dict) -> date:
    """The first day on which the registry differs once the finding is applied (a death counts through its day)."""
    from datetime import timedelta

    day = date.fromisoformat(change["date"])
    if kind in (FindingKind.DEATH, FindingKind.INJURY_END):
        return day + timedelta(days=1)
    return day


def _effects(findings: list[dict], *, acting_user, source: str, progress=None) -> dict[int, str]:
    """Ask the registered rules what each finding does to money. Must run inside a transaction: the what-if applies
    findings through the services in a savepoint and rolls it back. Returns the refusals: person id -> reason."""
    by_person: dict[int, list[dict]] = {}
    changes: dict[int, date] = {}
    for finding in findings:
        by_person.setdefault(finding["person_id"], []).append(finding)
        day = _effective_day(finding["kind"], finding["change"])
        changes[finding["person_id"]] = min(day, changes.get(finding["person_id"], day))
    refused: dict[int, str] = {}

    @contextmanager
    def what_if(person_ids):
        savepoint = transaction.savepoint()
        try:
            persons = Person.objects.in_bulk([pid for pid in person_ids if pid in by_person])
            for done, (person_id, person) in enumerate(persons.items(), start=1):
                for finding in by_person[person_id]:
                    try:  # each registry service is atomic itself: a refusal undoes only its own writes
                        _apply_finding(
                            kind=finding["kind"],
                            change=finding["change"],
                            notes=finding["notes"],
                            person=person,
                            acting_user=acting_user,
                            source=source,
                        )
                    except ValidationError as exc:
                        refused[person_id] = " ".join(exc.messages)
                if progress and done % 200 == 0:
                    progress(done, len(persons), _("正在核算对补贴的影响"))
            yield
        finally:
            transaction.savepoint_rollback(savepoint)

    effects = hooks.money_effects(changes=changes, what_if=what_if)
    for finding in findings:
        finding["effects"] = effects.get(finding["person_id"], [])
    return refused


def comparison_compare(*, comparison: Comparison, progress=None) -> ComparisonReport:
    """The compare job's work: match the stored list, work out the money effects, store the findings and the result
    workbook. Applies nothing."""
    try:
        with transaction.atomic():
            report = _check(comparison, progress)
            refused = {}
            if report.is_valid and report.findings:
                if progress:
                    progress(0, len(report.findings), _("正在核算对补贴的影响"))
                refused = _effects(report.findings, acting_user=comparison.uploaded_by, source=_source_text(comparison))
            _store(comparison, report, refused)
    except Exception:
        Comparison.objects.filter(pk=comparison.pk).update(status=ComparisonStatus.FAILED)
        raise
    return report


def _store(comparison: Comparison, report: ComparisonReport, refused: dict[int, str]) -> None:
    ComparisonFinding.objects.filter(comparison=comparison).delete()
    findings = []
    for item in report.findings:
        reason = refused.get(item["person_id"], "")
        findings.append(
            ComparisonFinding(
                comparison=comparison,
                kind=item["kind"],
                person_id=item["person_id"],
                township_id=item["township_id"],
                row=item["row"],
                change=item["change"],
                notes=item["notes"],
                effects=item.get("effects", []),
                selected=not reason,
                deselect_reason=(_("系统无法应用：%(reason)s") % {"reason": reason})[:200] if reason else "",
            )
        )
    ComparisonFinding.objects.bulk_create(findings, batch_size=2000)
    comparison.status = ComparisonStatus.READY if report.is_valid else ComparisonStatus.INVALID
    comparison.rows = report.rows
    comparison.matched = report.matched
    comparison.unmatched_count = len(report.unmatched)
    comparison.findings_count = len(findings)
    comparison.issues = report.issues
    comparison.unmatched = report.unmatched
    comparison.roll_person_ids = report.roll_person_ids
    comparison.save(
        update_fields=[
            "status",
            "rows",
            "matched",
            "unmatched_count",
            "findings_count",
            "issues",
            "unmatched",
            "roll_person_ids",
        ]
    )
    _write_result(comparison)


def _write_result(comparison: Comparison) -> None:
    content = build_result(comparison=comparison)
    stem = (comparison.original_name.rsplit(".", 1)[0] or "list")[:60]
    comparison.result_file.save(f"{stem}-result.xlsx", ContentFile(content), save=False)
    Comparison.objects.filter(pk=comparison.pk).update(result_file=comparison.result_file.name)


# --- Review ----------------------------------------------------------------------------------------------------


def _open_for_review(finding: ComparisonFinding) -> None:
    if finding.comparison.status != ComparisonStatus.READY:
        raise ValidationError(_("只有待应用的比对可以调整差异。"))


def finding_deselect(*, finding: ComparisonFinding, reason: str, acting_user) -> ComparisonFinding:
    """Leave one finding out of the apply, with the reason (kept with the finding)."""
    _require(acting_user, Perm.COMPARISON_APPLY)
    _open_for_review(finding)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不采用的原因。")})
    finding.selected = False
    finding.deselect_reason = reason[:200]
    finding.deselected_by = acting_user
    finding.save(update_fields=["selected", "deselect_reason", "deselected_by"])
    return finding


def finding_reselect(*, finding: ComparisonFinding, acting_user) -> ComparisonFinding:
    _require(acting_user, Perm.COMPARISON_APPLY)
    _open_for_review(finding)
    finding.selected = True
    finding.deselect_reason = ""
    finding.deselected_by = None
    finding.save(update_fields=["selected", "deselect_reason", "deselected_by"])
    return finding


# --- Apply -----------------------------------------------------------------------------------------------------


def _check_applier(comparison: Comparison, acting_user) -> None:
    _require(acting_user, Perm.COMPARISON_APPLY)
    if comparison.origin == ComparisonOrigin.WEB and comparison.uploaded_by_id == acting_user.pk:
        raise PermissionDenied(_("上传名单的人不能应用自己上传的比对结果，请由另一位工作人员复核后应用。"))


def comparison_apply_start(*, comparison: Comparison, acting_user) -> Comparison:
    """A second person confirms: start the apply job (once)."""

    _check_applier(comparison, acting_user)
    try:
        with transaction.atomic():
            claimed = Comparison.objects.filter(pk=comparison.pk, status=ComparisonStatus.READY).update(
                status=ComparisonStatus.APPLYING
            )
            if not claimed:
                raise ValidationError(_("只有比对完成、没有错误行且尚未应用的名单可以应用。"))
            job = job_create(kind=APPLY_JOB, acting_user=acting_user, params={"comparison_id": comparison.pk})
            Comparison.objects.filter(pk=comparison.pk).update(apply_job=job)
    except JobEnqueueError as exc:
        # The job's on_abandon has put the list back to "ready": it can be applied once the queue is back.
        raise ValidationError(str(exc), code="queue_unavailable") from None
    comparison.refresh_from_db()
    return comparison


def _recorded(day) -> str | None:
    return day.isoformat() if day else None


def _still_holds(finding: ComparisonFinding, person: Person) -> bool:
    """Whether the registry still says what it said when the list was compared (someone may have entered the death,
    the move or a new poverty status since): a finding is applied only onto the registry it was found against."""
    kind, change, notes = finding.kind, finding.change, finding.notes
    if kind == FindingKind.DEATH:
        return _recorded(person.death_date) == notes.get("registry_date")
    if kind == FindingKind.MOVE:
        return person.death_date is None and _recorded(person.moved_out_date) == notes.get("registry_date")
    if kind in (FindingKind.POVERTY_START, FindingKind.POVERTY_CHANGE, FindingKind.POVERTY_END):
        return person.poverty_status == change.get("registry_status")
    return True  # exclusions: their services refuse an overlapping or already ended period


def comparison_apply(*, comparison: Comparison, acting_user, progress=None) -> dict:
    """The apply job's work: every selected finding whose registry facts are still those it was found against is
    applied through the registry services, in one transaction, with the list named as the source of every change."""
    if comparison.status == ComparisonStatus.APPLIED:
        return {"applied": comparison.applied_count}
    try:
        _check_applier(comparison, acting_user)
    except PermissionDenied:
        # The capability was lost between the click and the job: the list waits for someone who holds it.
        Comparison.objects.filter(pk=comparison.pk, status=ComparisonStatus.APPLYING).update(
            status=ComparisonStatus.READY
        )
        raise
    source = _source_text(comparison)
    try:
        with transaction.atomic(), pghistory.context(source=source, comparison=comparison.pk):
            if comparison.issues:  # a list with bad rows applies nothing (READY is never set for one)
                raise ComparisonNotValid(ComparisonReport(kind=comparison.kind, as_of=comparison.as_of))
            findings = list(
                ComparisonFinding.objects.select_for_update()
                .filter(comparison=comparison, outcome=FindingOutcome.PENDING)
                .order_by("pk")
            )
            persons = Person.objects.in_bulk([f.person_id for f in findings if f.selected])
            if progress:
                progress(0, len(findings), _("正在应用差异"))
            applied = 0
            for done, finding in enumerate(findings, start=1):
                if not finding.selected:
                    finding.outcome = FindingOutcome.DESELECTED
                elif not _still_holds(finding, persons[finding.person_id]):
                    finding.outcome = FindingOutcome.SKIPPED
                    finding.outcome_note = _("比对后登记已变化（可能已由他人录入），未重复应用。")
                else:
                    try:  # each registry service is atomic itself: a refusal undoes only its own writes
                        _apply_finding(
                            kind=finding.kind,
                            change=finding.change,
                            notes=finding.notes,
                            person=persons[finding.person_id],
                            acting_user=acting_user,
                            source=source,
                        )
                    except ValidationError as exc:
                        finding.outcome = FindingOutcome.SKIPPED
                        finding.outcome_note = (_("登记拒绝：%(reason)s") % {"reason": " ".join(exc.messages)})[:200]
                    else:
                        finding.outcome = FindingOutcome.APPLIED
                        applied += 1
                if progress and done % 100 == 0:
                    progress(done, len(findings), _("正在应用差异"))
            ComparisonFinding.objects.bulk_update(findings, ["outcome", "outcome_note"], batch_size=2000)
            comparison.status = ComparisonStatus.APPLIED
            comparison.applied_count = applied
            comparison.applied_by = acting_user
            comparison.applied_at = timezone.now()
            comparison.save(update_fields=["status", "applied_count", "applied_by", "applied_at"])
            _write_result(comparison)
    except ComparisonNotValid:
        Comparison.objects.filter(pk=comparison.pk).update(status=ComparisonStatus.INVALID)
        raise
    except Exception:
        Comparison.objects.filter(pk=comparison.pk, status=ComparisonStatus.APPLYING).update(
            status=ComparisonStatus.READY
        )
        raise
    return {"applied": applied}
