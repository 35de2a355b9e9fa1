"""compare_import FILE --kind deaths|moves|poverty|injury [--as-of YYYY-MM-DD] [--source TEXT] [--apply] --user USERNAME
(CONTRACT.md): compares an agency's list with the registry and, with --apply, applies every finding in one step as
the named user, on the same services as the web pages. The comparison is kept in the history like an upload."""

from datetime import date
from pathlib import Path

import pghistory
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.comparison import describe
from cases.comparison.models import ComparisonKind, ComparisonOrigin, ComparisonStatus, FindingKind
from cases.comparison.services import comparison_apply, comparison_compare, comparison_upload
from fedportal.accounts.permissions import Perm, has_perm
from fedportal.core.clock import local_today

KINDS = {kind.value for kind in ComparisonKind}


class Command(BaseCommand):
    help = "与其他部门名单比对（死亡、户籍迁出、低保类救助、工伤保险生活护理费）；加 --apply 应用全部差异。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--as-of", dest="as_of", help="名单日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--source", help="名单来源，记入每项变更的审计")
        parser.add_argument("--apply", action="store_true", help="应用全部差异（一个事务）")
        parser.add_argument("--user", required=True, help="操作人用户名")

    def handle(self, *args, file, kind, as_of=None, source=None, apply=False, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"file not found: {file}")
        acting_user = get_user_model().objects.filter(username=user, is_active=True).first()
        if acting_user is None:
            raise CommandError(f"unknown user: {user}")
        if apply and not has_perm(acting_user, Perm.COMPARISON_APPLY):
            raise CommandError(f"{user} may not apply comparisons")
        try:
            day = date.fromisoformat(as_of) if as_of else local_today()
        except ValueError:
            raise CommandError(f"--as-of must be YYYY-MM-DD, got {as_of}") from None
        with pghistory.context(user=acting_user.pk, command="compare_import"):
            try:
                comparison = comparison_upload(
                    kind=kind,
                    source=source or path.name,
                    as_of=day,
                    filename=path.name,
                    content=path.read_bytes(),
                    acting_user=acting_user,
                    origin=ComparisonOrigin.COMMAND,
                )
            except PermissionDenied:
                raise CommandError(f"{user} may not upload comparisons") from None
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            report = comparison_compare(comparison=comparison)
            for issue in report.issues:
                self.stdout.write(f"row {issue['row'] or 1}, column {issue['column'] or '-'}: {issue['message']}")
            for item in report.unmatched:
                self.stdout.write(f"unmatched {item['id_number']}: row {item['row']} {item['name']}")
            id_numbers = dict(comparison.findings.values_list("person_id", "person__id_number"))
            for finding in comparison.findings.order_by("kind", "row", "pk"):
                kind_code = FindingKind(finding.kind).value
                text = describe.message(finding.kind, finding.change, finding.notes)
                effect = describe.effect_text(finding.effects)
                suffix = "" if finding.selected else f"；{finding.deselect_reason}"
                self.stdout.write(f"finding {id_numbers[finding.person_id]} {kind_code}: {text}；{effect}{suffix}")
            applied = 0
            if apply and report.is_valid:
                try:
                    applied = comparison_apply(comparison=comparison, acting_user=acting_user)["applied"]
                except PermissionDenied as exc:
                    raise CommandError(str(exc) or "permission denied") from None
            counts = report.counts()
            self.stdout.write(
                f"rows {counts['rows']} matched {counts['matched']} unmatched {counts['unmatched']} "
                f"findings {counts['findings']} applied {applied}"
            )
        comparison.refresh_from_db()
        if comparison.status == ComparisonStatus.INVALID:
            raise CommandError(f"{counts['bad_rows'] or 1} bad rows: nothing applied")
        if not apply:
            self.stderr.write("compared only: nothing applied (add --apply to apply)")
