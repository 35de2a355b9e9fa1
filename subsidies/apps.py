from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from cases import hooks


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("补贴与发放")

    def ready(self) -> None:
        # Inside ready(): an app's modules may import models only once the app registry is loaded.
        from cases.exclusion_programs import register_exclusion_programs

        from . import (
            comparison,  # noqa: F401 - registers the money effects and the 应补尽补 panel of agency comparisons
            jobs,  # noqa: F401 - registers the job handlers
            panels,  # noqa: F401 - registers the person-page panel
            rosters,
        )

        hooks.enrollments_roster.register(rosters)

        def exclusion_programs():
            from .models import Program

            return list(Program.objects.filter(accepts_applications=True).values_list("code", "name"))

        register_exclusion_programs(exclusion_programs)
