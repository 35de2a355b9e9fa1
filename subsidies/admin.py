"""Administrators edit programs, rates and parameters here (each with an effective date); what services write
(enrollments, applications, budgets, payment runs) the admin only shows."""

from django.contrib import admin

from fedportal.core.admin_readonly import ServiceOwnedAdmin, ServiceOwnedInline

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
class EnrollmentAdmin(ServiceOwnedAdmin):
    list_display = ["person", "program", "start_month", "paid_through", "status", "source"]
    list_filter = ["program", "status", "source"]
    raw_id_fields = ["person", "application"]
    search_fields = ["person__name", "person__id_number"]


class ApplicationStepInline(ServiceOwnedInline):
    model = ApplicationStep
    readonly_fields = ["action", "user", "at", "comment", "eligibility"]


@admin.register(Application)
class ApplicationAdmin(ServiceOwnedAdmin):
    list_display = ["person", "program", "applied_on", "status", "township"]
    list_filter = ["program", "status"]
    raw_id_fields = ["person"]
    inlines = [ApplicationStepInline]


@admin.register(Budget)
class BudgetAdmin(ServiceOwnedAdmin):
    list_display = ["program", "year", "amount"]


@admin.register(PaymentRun)
class PaymentRunAdmin(ServiceOwnedAdmin):
    """Read-only: runs change only through their services (maker-checker)."""

    list_display = ["pk", "program", "period", "status", "lines_count", "total", "created_by", "approved_by"]
    list_filter = ["program", "status"]
