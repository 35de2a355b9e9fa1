from django.contrib import admin

from fedportal.core.admin_readonly import ServiceOwnedAdmin, ServiceOwnedInline

from .models import Provider, ProviderContract, ProviderService, RehabSetting, SurveyRound


class ContractInline(ServiceOwnedInline):
    model = ProviderContract


class ServiceInline(ServiceOwnedInline):
    model = ProviderService


@admin.register(Provider)
class ProviderAdmin(ServiceOwnedAdmin):
    list_display = ("name", "kind", "contact", "phone")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [ContractInline, ServiceInline]


@admin.register(RehabSetting)
class RehabSettingAdmin(admin.ModelAdmin):
    """The configurable rules (children's rescue age limit, home-visit target), effective from a date."""

    list_display = ("effective_from", "child_rescue_max_age", "home_visit_target", "note")


@admin.register(SurveyRound)
class SurveyRoundAdmin(ServiceOwnedAdmin):
    list_display = ("year", "title", "start_date", "end_date", "status")
