from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("就业、维权与帮扶")

    def ready(self) -> None:
        from . import panels  # noqa: F401 - registers the person-page panel
