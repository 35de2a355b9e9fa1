from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fedportal.accounts"
    label = "accounts"
    verbose_name = _("账户与角色")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import mark_refreshed_at_login

        user_logged_in.connect(mark_refreshed_at_login, dispatch_uid="accounts-session-refreshed-at-login")
