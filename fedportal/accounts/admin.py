from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "role", "township", "is_active", "last_login")
    list_filter = ("role", "township", "is_active")
    fieldsets = (*UserAdmin.fieldsets, (_("角色与范围"), {"fields": ("role", "township", "phone")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("角色与范围"), {"fields": ("role", "township")}))
