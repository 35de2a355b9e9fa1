from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from cases import hooks


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("残疾人证")

    def ready(self) -> None:
        from . import reactions, registry_queries  # noqa: F401 - reactions register themselves on import

        hooks.certificate_queries.register(registry_queries)
