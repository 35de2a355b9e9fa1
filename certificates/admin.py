from django.contrib import admin

from fedportal.core.admin_readonly import ServiceOwnedAdmin, ServiceOwnedInline

from .models import Assessment, Certificate, CertificateComponent, CertificateLifecycleEvent


class ComponentInline(ServiceOwnedInline):
    model = CertificateComponent


class EventInline(ServiceOwnedInline):
    model = CertificateLifecycleEvent
    readonly_fields = ("kind", "event_date", "reason", "comment", "acting_user", "created_at")
    exclude = ("person", "assessment")


@admin.register(Certificate)
class CertificateAdmin(ServiceOwnedAdmin):
    """Read-only: lifecycle changes go through the services (the caseworker UI), which keep history and flags."""

    list_display = ("number", "person", "category", "grade", "generation", "issue_date", "expiry_date", "status")
    list_filter = ("status", "category", "grade", "generation")
    search_fields = ("=number", "=person__id_number")
    list_select_related = ("person",)
    raw_id_fields = ("person", "assessment")
    inlines = [ComponentInline, EventInline]
    show_full_result_count = False


@admin.register(Assessment)
class AssessmentAdmin(ServiceOwnedAdmin):
    list_display = ("person", "assessed_on", "hospital", "category", "grade", "notice_end", "reviewed_on")
    search_fields = ("=person__id_number",)
    raw_id_fields = ("person", "reviewed_by")
    list_select_related = ("person",)
    show_full_result_count = False
