"""python manage.py restore FILE [--force] [--database-url URL] [--media-root DIR]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fedportal.backups.pgclient import ClientNotFound, Connection
from fedportal.backups.services import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the portal's database and media directory. Refuses a database with any "
        "table, or a media directory with any file, unless --force (the old media files are moved aside, not deleted)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="replace a non-empty database and media directory")
        parser.add_argument("--database-url", help="restore into this database instead (e.g. a drill database)")
        parser.add_argument("--media-root", help="restore the files here instead of MEDIA_ROOT")

    def handle(self, *args, file, force=False, database_url=None, media_root=None, **options):
        target = Connection.from_url(database_url) if database_url else None
        try:
            result = backup_restore(
                archive=Path(file), target=target, media_root=Path(media_root) if media_root else None, force=force
            )
        except (BackupError, ClientNotFound) as exc:
            raise CommandError(str(exc)) from None
        if result.moved_aside:
            self.stdout.write(f"previous media files moved to {result.moved_aside}")
        self.stdout.write(
            f"restored {file} (backup of {result.details['created_at']}) tables {result.tables} rows {result.rows} "
            f"files {result.files}"
        )
