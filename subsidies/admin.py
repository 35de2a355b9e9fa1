"""Administrators edit programs, rates and parameters here (each with an effective date)."""

from django.contrib import admin

from .models import Application, ApplicationStep, Budget, Enrollment, PaymentRun, Program, ProgramParameter, ProgramRate


class ProgramRateInline(admin.TabularInline):
    model = ProgramRate
    extra = 1


class ProgramParameterInline(admin.TabularInline):
    model = ProgramParameter
    extra = 1


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "period_kind", "automatic", "accepts_applications", "is_active"]
    inlines = [ProgramRateInline, ProgramParameterInline]


@admin.register(ProgramRate)
class ProgramRateAdmin(admin.ModelAdmin):
    list_display = ["program", "tier", "effective_from", "amount", "note"]
    list_filter = ["program"]


@admin.register(ProgramParameter)
class ProgramParameterAdmin(admin.ModelAdmin):
    list_display = ["program", "key", "effective_from", "value", "note"]
    list_filter = ["program"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["person", "program", "start_month", "paid_through", "status", "source"]
    list_filter = ["program", "status", "source"]
    raw_id_fields = ["person", "application"]
    search_fields = ["person__name", "person__id_number"]


class ApplicationStepInline(admin.TabularInline):
    model = ApplicationStep
    extra = 0
    readonly_fields = ["action", "user", "at", "comment", "eligibility"]
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["person", "program", "applied_on", "status", "township"]
    list_filter = ["program", "status"]
    raw_id_fields = ["person"]
    inlines = [ApplicationStepInline]


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["program", "year", "amount"]


@admin.register(PaymentRun)
class PaymentRunAdmin(admin.ModelAdmin):
    """Read-only: runs change only through their services (maker-checker)."""

    list_display = ["pk", "program", "period", "status", "lines_count", "total", "created_by", "approved_by"]
    list_filter = ["program", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
