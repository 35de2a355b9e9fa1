from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "fedportal.backups"
    label = "backups"
    verbose_name = _("备份与恢复")

    def ready(self):
        from .signals import apply_database_settings

        post_migrate.connect(apply_database_settings, sender=self, dispatch_uid="backups-database-settings")
