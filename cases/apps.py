from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("登记")

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the cases.person_export job handler
        from .comparison import jobs as comparison_jobs  # noqa: F401 - registers comparison.compare / .apply
        from .rosters import jobs as roster_jobs  # noqa: F401 - registers the roster.validate / roster.import handlers
