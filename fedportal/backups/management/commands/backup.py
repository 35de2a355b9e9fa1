"""python manage.py backup [--dir DIR] [--no-prune] [--list]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fedportal.backups.pgclient import ClientNotFound
from fedportal.backups.services import BackupError, backup_create, backup_list, backup_prune, backup_read_manifest


class Command(BaseCommand):
    help = "Write a dated archive of the database (pg_dump custom format) and the media files, then apply retention."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="backup directory (default: settings.BACKUP_DIR)")
        parser.add_argument("--no-prune", action="store_true", help="keep every older archive this time")
        parser.add_argument("--list", action="store_true", help="list the archives in the directory and stop")

    def handle(self, *args, dir=None, no_prune=False, list=False, **options):
        directory = Path(dir) if dir else None
        try:
            if list:
                for path in backup_list(directory=directory):
                    manifest = backup_read_manifest(path)
                    rows = sum(manifest["tables"].values())
                    self.stdout.write(
                        f"{path} {path.stat().st_size} bytes rows {rows} files {len(manifest['media'])} "
                        f"created {manifest['created_at']}"
                    )
                return
            archive = backup_create(directory=directory)
            deleted = [] if no_prune else backup_prune(directory=directory)
        except (BackupError, ClientNotFound) as exc:
            raise CommandError(str(exc)) from None
        manifest = backup_read_manifest(archive)
        for path in deleted:
            self.stdout.write(f"deleted {path}")
        self.stdout.write(
            f"backup {archive} bytes {archive.stat().st_size} tables {len(manifest['tables'])} "
            f"rows {sum(manifest['tables'].values())} files {len(manifest['media'])}"
        )
