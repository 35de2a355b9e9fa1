from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    label = "dashboards"
    verbose_name = _("统计与报表")

    def ready(self):
        from . import jobs, tasks  # noqa: F401 - registers the report job kinds and the scheduled task
