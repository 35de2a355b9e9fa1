import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from cases.divisions import divisions_import, read_division_rows


class Command(BaseCommand):
    help = (
        "Load or update the county's townships and villages from a workbook (乡镇代码, 乡镇(街道), 村代码, 村(社区))."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            rows = read_division_rows(file)
        except FileNotFoundError:
            raise CommandError(f"file not found: {file}") from None
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one clear line
            raise CommandError(f"cannot read {file}: {exc}") from None
        try:
            with pghistory.context(command="import_divisions"):
                result = divisions_import(rows=rows)
        except IntegrityError as exc:
            raise CommandError(f"conflicting divisions in {file}: {exc}".splitlines()[0]) from None
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(result.errors)} invalid rows; nothing was written")
        self.stdout.write(
            f"townships created {result.townships_created} updated {result.townships_updated} "
            f"villages created {result.villages_created} updated {result.villages_updated}"
        )
