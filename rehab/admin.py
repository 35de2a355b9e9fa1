from django.contrib import admin

from .models import Provider, ProviderContract, ProviderService, RehabSetting, SurveyRound


class ContractInline(admin.TabularInline):
    model = ProviderContract
    extra = 0


class ServiceInline(admin.TabularInline):
    model = ProviderService
    extra = 0


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "contact", "phone")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [ContractInline, ServiceInline]


@admin.register(RehabSetting)
class RehabSettingAdmin(admin.ModelAdmin):
    """The configurable rules (children's rescue age limit, home-visit target), effective from a date."""

    list_display = ("effective_from", "child_rescue_max_age", "home_visit_target", "note")


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "start_date", "end_date", "status")
