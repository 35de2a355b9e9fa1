from django.contrib import admin

from fedportal.core.admin_readonly import ServiceOwnedAdmin

from .models import Job


@admin.register(Job)
class JobAdmin(ServiceOwnedAdmin):
    list_display = ("id", "kind", "status", "progress", "total", "created_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    readonly_fields = [field.name for field in Job._meta.fields]
