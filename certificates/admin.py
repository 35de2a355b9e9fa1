from django.contrib import admin

from .models import Assessment, Certificate, CertificateComponent, CertificateLifecycleEvent


class ComponentInline(admin.TabularInline):
    model = CertificateComponent
    extra = 0


class EventInline(admin.TabularInline):
    model = CertificateLifecycleEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "event_date", "reason", "comment", "acting_user", "created_at")
    exclude = ("person", "assessment")


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-mostly: lifecycle changes go through the services (the caseworker UI), which keep history and flags."""

    list_display = ("number", "person", "category", "grade", "generation", "issue_date", "expiry_date", "status")
    list_filter = ("status", "category", "grade", "generation")
    search_fields = ("=number", "=person__id_number")
    list_select_related = ("person",)
    raw_id_fields = ("person", "assessment")
    inlines = [ComponentInline, EventInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("person", "assessed_on", "hospital", "category", "grade", "notice_end", "reviewed_on")
    search_fields = ("=person__id_number",)
    raw_id_fields = ("person", "reviewed_by")
    list_select_related = ("person",)
    show_full_result_count = False
