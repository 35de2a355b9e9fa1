"""Roster services: one path for the browser (through jobs) and the CLI (synchronously).

roster_check(...)   read + validate, no writes           -> RosterReport
roster_apply(...)   write a valid report's plan, one transaction
roster_upload / roster_validate / roster_confirm / roster_import: the stored RosterImport's life.
"""

import hashlib
import os
import time
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import hooks
from cases.models import RosterImport, RosterKind, RosterStatus, Township
from fedportal.accounts.permissions import COUNTY_WIDE, Perm, authorize, has_perm, township_scope
from fedportal.audit.models import SensitiveAccess, SensitiveField
from fedportal.audit.services import sensitive_access_record
from fedportal.core.clock import local_today
from fedportal.core.workbooks import WorkbookRejected, inspect_workbook
from fedportal.jobs.models import Job
from fedportal.jobs.services import JobEnqueueError, job_create, job_purge_result_file

from . import schema as S
from .reader import RosterFileError, read_roster, roster_limits
from .report import RosterReport


class RosterNotValid(Exception):
    def __init__(self, report: RosterReport):
        super().__init__(_("花名册有错误，未写入任何数据。"))
        self.report = report


def column_order(kind: str) -> list[str]:
    return S.PERSON_COLUMNS if kind == RosterKind.PERSONS else S.ENROLLMENT_COLUMNS


def upload_township_for(user, requested: Township | None = None) -> Township | None:
    """The township an upload is checked for (None = county-wide).

    A liaison's uploads are always for their own township (asking for another is refused); county staff upload
    county-wide or, like `import_roster --township CODE`, as the upload of the township they chose.
    """
    scope = township_scope(user)
    if scope is None:
        return requested
    township = Township.objects.filter(pk=scope).first()
    if township is None:  # a township-bound user without a township uploads nothing, never county-wide
        raise PermissionDenied
    if requested is not None and requested.pk != township.pk:
        raise PermissionDenied(_("只能上传本乡镇（%(own)s）的花名册。") % {"own": township.name})
    return township


def check_kind_allowed(*, kind: str, user, township: Township | None) -> None:
    if kind not in RosterKind.values:
        raise ValidationError(_("未知的花名册类型。"))
    if user is not None and not has_perm(user, Perm.ROSTER_UPLOAD):
        raise PermissionDenied
    if kind == RosterKind.ENROLLMENTS and (
        township is not None or (user is not None and not has_perm(user, Perm.ROSTER_ENROLLMENTS))
    ):
        raise PermissionDenied(_("补贴对象花名册只能由县残联工作人员导入。"))


def roster_check(
    *, content: bytes, kind: str, township: Township | None, acting_user=None, today: date | None = None, progress=None
) -> RosterReport:
    """Read and validate a roster file. Reads the registry, writes nothing."""
    today = today or local_today()
    try:
        sheet = read_roster(content)
    except RosterFileError as exc:
        report = RosterReport(kind=kind)
        report.fail_file(str(exc))
        return report
    if progress:
        progress(0, len(sheet.rows), _("已读取 %(rows)s 行，正在校验") % {"rows": len(sheet.rows)})
    step = (lambda done, message: progress(done, len(sheet.rows), message)) if progress else None
    if kind == RosterKind.ENROLLMENTS:
        report = hooks.enrollments_roster().validate(sheet, today=today, progress=step)
    else:
        from .persons_validation import validate_persons

        report = validate_persons(sheet, township=township, today=today, progress=step)
    report.township_id = township.pk if township is not None else None
    return report


def _roster_perm(roster) -> Perm:
    return Perm.ROSTER_ENROLLMENTS if roster.kind == RosterKind.ENROLLMENTS else Perm.ROSTER_UPLOAD


def roster_apply(*, report: RosterReport, acting_user, source: str, today: date | None = None) -> dict:
    """Write a valid report's plan in one transaction; nothing at all when any row is invalid."""
    # Rows checked for one township are written by its users or county staff; a county-wide check by county staff.
    authorize(acting_user, _roster_perm(report), report.township_id or COUNTY_WIDE)
    if not report.is_valid:
        raise RosterNotValid(report)
    today = today or local_today()
    user_id = getattr(acting_user, "pk", None)
    with transaction.atomic():
        if report.kind == RosterKind.ENROLLMENTS:
            counts = hooks.enrollments_roster().write(report.plan, acting_user=acting_user)
        else:
            from .persons_writing import write_persons

            counts = write_persons(report.plan, acting_user_id=user_id, source=source, today=today)
    counts.setdefault("unchanged", report.unchanged)
    return counts


def _store_report(roster: RosterImport, report: RosterReport, *, status: str) -> None:
    roster.status = status
    roster.rows = report.rows
    roster.valid_rows = report.valid_rows
    roster.invalid_rows = report.invalid_rows
    roster.to_create = report.to_create
    roster.to_update = report.to_update
    roster.unchanged = report.unchanged
    roster.elsewhere_rows = report.elsewhere
    roster.issues = report.sorted_issues(column_order(report.kind))
    roster.save(
        update_fields=[
            "status",
            "rows",
            "valid_rows",
            "invalid_rows",
            "to_create",
            "to_update",
            "unchanged",
            "elsewhere_rows",
            "issues",
        ]
    )


def _audit_elsewhere(roster: RosterImport, report: RosterReport) -> None:
    """One audit record per upload that answered "registered in another township": who asked, about how many rows.

    A retried validation of the same upload does not add a second one."""
    if not report.elsewhere:
        return
    marker = f"#{roster.pk} "
    if SensitiveAccess.objects.filter(field=SensitiveField.ROSTER_ELSEWHERE, detail__startswith=marker).exists():
        return
    sensitive_access_record(
        user=roster.uploaded_by,
        field=SensitiveField.ROSTER_ELSEWHERE,
        detail=marker
        + _("花名册“%(name)s”：%(n)s 行的身份证号或户籍编号已在其他乡镇登记")
        % {"name": roster.original_name[:80], "n": report.elsewhere},
    )


def roster_upload(
    *, kind: str, filename: str, content: bytes, acting_user, township: Township | None = None
) -> RosterImport:
    """Keep the uploaded file and start its validation job.

    `township` (county staff only) makes it that township's upload, as the CLI's --township does: the roster's
    township is what roster_check gets, so a row of another township is an error.
    """
    authorize(acting_user, Perm.ROSTER_UPLOAD, township)
    township = upload_township_for(acting_user, township)
    check_kind_allowed(kind=kind, user=acting_user, township=township)
    if len(content) > S.max_bytes():
        raise ValidationError(
            _("文件大小为 %(size).1f MB，超过上限 %(limit).0f MB。请拆分后上传。")
            % {"size": len(content) / 1048576, "limit": S.max_bytes() / 1048576}
        )
    # A hostile or unreadable file is refused here, in constant memory, before anything is stored or enqueued.
    try:
        inspect_workbook(content, limits=roster_limits())
    except WorkbookRejected as exc:
        raise ValidationError(exc.message, code=exc.code) from None

    roster = None
    try:
        with transaction.atomic():
            roster = RosterImport(
                kind=kind,
                original_name=filename[:255],
                file_sha256=hashlib.sha256(content).hexdigest(),
                township=township,
                status=RosterStatus.VALIDATING,
                uploaded_by=acting_user,
            )
            roster.file.save(_safe_name(filename), ContentFile(content), save=False)
            roster.save()
            job = job_create(
                kind="roster.validate", acting_user=acting_user, params={"roster_id": roster.pk}, township=township
            )
            RosterImport.objects.filter(pk=roster.pk).update(validate_job=job)
            roster.validate_job = job
    except JobEnqueueError as exc:
        # The queue is down: nothing of this upload stays behind (no roster "validating" forever, no stored file).
        _discard_upload(roster)
        raise ValidationError(str(exc), code="queue_unavailable") from None
    return roster


def _discard_upload(roster: RosterImport | None) -> None:
    if roster is None or roster.pk is None:
        return

    job_id = RosterImport.objects.filter(pk=roster.pk).values_list("validate_job", flat=True).first()
    if roster.file:
        roster.file.delete(save=False)
    RosterImport.objects.filter(pk=roster.pk).delete()
    Job.objects.filter(pk=job_id).delete()


def _safe_name(filename: str) -> str:
    stem = "".join(ch for ch in filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] if ch.isalnum() or ch in "._-")
    return (stem or "roster")[-80:] if stem.lower().endswith(".xlsx") else (stem or "roster")[-75:] + ".xlsx"


def _read_file(roster: RosterImport) -> bytes:
    with roster.file.open("rb") as handle:
        return handle.read()


def roster_validate(*, roster: RosterImport, progress=None) -> RosterReport:
    """The validation job's work: read the stored file, check every row, store the report on the roster."""
    try:
        report = roster_check(
            content=_read_file(roster),
            kind=roster.kind,
            township=roster.township,
            acting_user=roster.uploaded_by,
            progress=progress,
        )
    except Exception:
        RosterImport.objects.filter(pk=roster.pk).update(status=RosterStatus.FAILED)
        raise
    with transaction.atomic():
        _store_report(roster, report, status=RosterStatus.VALID if report.is_valid else RosterStatus.INVALID)
        _audit_elsewhere(roster, report)
    return report


def roster_confirm(*, roster: RosterImport, acting_user) -> RosterImport:
    """The user confirms a valid roster: start the import job (once)."""
    authorize(acting_user, _roster_perm(roster), roster)
    with transaction.atomic():
        claimed = RosterImport.objects.filter(pk=roster.pk, status=RosterStatus.VALID).update(
            status=RosterStatus.IMPORTING
        )
        if not claimed:
            raise ValidationError(_("只有校验通过、尚未导入的花名册可以确认导入。"))
        job = job_create(
            kind="roster.import", acting_user=acting_user, params={"roster_id": roster.pk}, township=roster.township
        )
        RosterImport.objects.filter(pk=roster.pk).update(import_job=job)
    # A queue outage raises JobEnqueueError here; the job's on_abandon has put the roster back to "valid".
    roster.refresh_from_db()
    return roster


def _test_pause() -> None:
    # Test hook: lets the worker-kill test catch an import inside its transaction. Unset in production.
    delay_ms = int(os.environ.get("FEDPORTAL_ROSTER_IMPORT_DELAY_MS") or 0)
    if delay_ms:
        time.sleep(delay_ms / 1000)


def roster_import(*, roster: RosterImport, acting_user, progress=None) -> dict:
    """The import job's work: validate again against today's registry, then write everything or nothing."""
    authorize(acting_user, _roster_perm(roster), roster)
    try:
        with transaction.atomic():
            # One import at a time per roster: a retried job and a new confirmation cannot both write.
            roster = RosterImport.objects.select_for_update(of=("self",)).select_related("township").get(pk=roster.pk)
            if roster.status == RosterStatus.IMPORTED:
                return {"created": roster.created, "updated": roster.updated, "unchanged": roster.unchanged}
            report = roster_check(
                content=_read_file(roster),
                kind=roster.kind,
                township=roster.township,
                acting_user=acting_user,
                progress=progress,
            )
            if not report.is_valid:
                raise RosterNotValid(report)
            if progress:
                progress(report.rows, report.rows, _("正在写入"))
            _test_pause()
            counts = roster_apply(
                report=report, acting_user=acting_user, source=_("花名册导入 #%(id)s") % {"id": roster.pk}
            )
            roster.status = RosterStatus.IMPORTED
            roster.created = counts.get("created", 0)
            roster.updated = counts.get("updated", 0)
            roster.unchanged = report.unchanged
            roster.imported_at = timezone.now()
            roster.save(update_fields=["status", "created", "updated", "unchanged", "imported_at"])
    except RosterNotValid as exc:
        _store_report(roster, exc.report, status=RosterStatus.INVALID)
        raise
    except Exception:
        RosterImport.objects.filter(pk=roster.pk).update(status=RosterStatus.FAILED)
        raise
    return counts


def roster_annotated_job(*, roster: RosterImport):
    """The job whose result file is the roster's annotated copy: the latest check's, else a pending annotate job."""

    for job in (roster.import_job, roster.validate_job):
        if job is not None and job.result_file:
            return job
    return Job.objects.filter(kind="roster.annotate", params__roster_id=roster.pk).order_by("-created_at").first()


def roster_annotate(*, roster: RosterImport, acting_user):
    """Start a job that builds the annotated copy (for a roster checked before copies were kept)."""
    authorize(acting_user, _roster_perm(roster), roster)

    return job_create(
        kind="roster.annotate", acting_user=acting_user, params={"roster_id": roster.pk}, township=roster.township
    )


def roster_purge_files(cutoff) -> int:
    """The retention of full-number files, for rosters: the uploaded file and every annotated copy of an upload
    finished before `cutoff` (imported then, or checked and left invalid or failed, uploaded then) are deleted.
    The roster row, its counts and its report stay. Called by the nightly purge (fedportal.purge_sensitive_files)."""
    finished = Q(status=RosterStatus.IMPORTED, imported_at__lt=cutoff) | Q(
        status__in=(RosterStatus.INVALID, RosterStatus.FAILED), created_at__lt=cutoff
    )
    purged = 0
    for roster in RosterImport.objects.filter(finished, files_deleted_at__isnull=True):
        jobs = Job.objects.filter(
            Q(pk__in=[pk for pk in (roster.validate_job_id, roster.import_job_id) if pk])
            | Q(kind="roster.annotate", params__roster_id=roster.pk)
        ).exclude(result_file="")
        for job in jobs:
            job_purge_result_file(job)
            purged += 1
        if roster.file:
            roster.file.delete(save=False)
            purged += 1
        RosterImport.objects.filter(pk=roster.pk).update(file="", files_deleted_at=timezone.now())
    return purged
