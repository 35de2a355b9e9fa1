"""import_roster FILE --kind persons|enrollments [--township CODE] [--commit] [--user USERNAME] (CONTRACT.md)."""

import hashlib
from pathlib import Path

import pghistory
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases.models import RosterImport, RosterKind, RosterStatus, Township
from cases.rosters.schema import max_bytes
from cases.rosters.services import (
    check_kind_allowed,
    column_order,
    roster_apply,
    roster_check,
    upload_township_for,
)
from fedportal.accounts.selectors import system_user


class Command(BaseCommand):
    help = "校验并导入花名册（残疾人或补贴对象）；不加 --commit 只校验不写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=RosterKind.values)
        parser.add_argument("--township", help="乡镇代码：按该乡镇的上传处理（其他乡镇的行是错误）")
        parser.add_argument("--commit", action="store_true", help="没有错误时写入")
        parser.add_argument("--user", help="操作人用户名（记入审计）")

    def handle(self, *args, file, kind, township=None, commit=False, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"file not found: {file}")
        # Never more than the upload limit plus one byte in memory: the reader refuses a larger file by its size.
        with path.open("rb") as handle:
            content = handle.read(max_bytes() + 1)
        acting_user = None
        if user:
            acting_user = get_user_model().objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(f"unknown user: {user}")
        upload_township = None
        if township:
            upload_township = Township.objects.filter(code=township).first()
            if upload_township is None:
                raise CommandError(f"unknown township code: {township}")
        if acting_user is not None:
            try:
                upload_township = upload_township_for(acting_user, upload_township)
            except PermissionDenied as exc:
                raise CommandError(str(exc) or "permission denied") from None
        try:
            check_kind_allowed(kind=kind, user=acting_user, township=upload_township)
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "permission denied") from None

        with pghistory.context(user=getattr(acting_user, "pk", None), command="import_roster"):
            report = roster_check(content=content, kind=kind, township=upload_township, acting_user=acting_user)
            for issue in report.sorted_issues(column_order(kind)):
                row = issue["row"] if issue["row"] is not None else 1
                column = issue["column"] or "-"
                prefix = "warning: " if issue["level"] == "warning" else ""
                self.stdout.write(f"row {row}, column {column}: {prefix}{issue['message']}")
            created = updated = 0
            if commit and report.is_valid:
                # Every write has a real acting user (services authorize it): without --user, the system user.
                acting_user = acting_user or system_user()
                if acting_user is None:
                    raise CommandError("no active administrator to record the import as: pass --user")
                with transaction.atomic():
                    counts = roster_apply(report=report, acting_user=acting_user, source="import_roster")
                    created, updated = counts.get("created", 0), counts.get("updated", 0)
                    self._record(path, content, kind, upload_township, acting_user, report, created, updated)
            else:
                # Nothing written: say what would be, and report nothing as created or updated.
                self.stdout.write(f"to create {report.to_create} to update {report.to_update}")
            self.stdout.write(
                f"rows {report.rows} valid {report.valid_rows} invalid {report.invalid_rows} "
                f"created {created} updated {updated} unchanged {report.unchanged}"
            )
        if report.file_error:
            raise CommandError(report.file_error)
        if report.invalid_rows:
            raise CommandError(f"{report.invalid_rows} invalid rows: nothing written")
        if not commit:
            self.stderr.write("dry run: nothing written (add --commit to import)")

    def _record(self, path, content, kind, township, acting_user, report, created, updated):
        """Keep the file and its counts like a browser upload; needs a user to own it."""
        owner = acting_user or system_user()
        if owner is None:
            return
        roster = RosterImport(
            kind=kind,
            original_name=path.name[:255],
            township=township,
            status=RosterStatus.IMPORTED,
            rows=report.rows,
            valid_rows=report.valid_rows,
            invalid_rows=report.invalid_rows,
            to_create=report.to_create,
            to_update=report.to_update,
            unchanged=report.unchanged,
            created=created,
            updated=updated,
            issues=report.sorted_issues(column_order(kind)),
            uploaded_by=owner,
            imported_at=timezone.now(),
        )
        roster.file_sha256 = hashlib.sha256(content).hexdigest()
        roster.file.save(path.name if path.name.endswith(".xlsx") else "roster.xlsx", ContentFile(content), save=False)
        roster.save()
