from axes.utils import reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "role", "township", "is_active", "last_login")
    list_filter = ("role", "township", "is_active")
    fieldsets = (*UserAdmin.fieldsets, (_("角色与范围"), {"fields": ("role", "township", "phone")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("角色与范围"), {"fields": ("role", "township")}))
    actions = ["unlock_logins"]

    @admin.action(description=_("解除登录锁定"))
    def unlock_logins(self, request, queryset):
        """Clear the failed logins of the chosen accounts, from every address: they can sign in at once."""
        cleared = sum(reset(username=user.get_username()) for user in queryset)
        self.message_user(
            request,
            ngettext(
                "已解除 %(users)d 个账号的登录锁定（清除 %(attempts)d 条失败记录）。",
                "已解除 %(users)d 个账号的登录锁定（清除 %(attempts)d 条失败记录）。",
                queryset.count(),
            )
            % {"users": queryset.count(), "attempts": cleared},
            messages.SUCCESS,
        )
