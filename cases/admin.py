from django.contrib import admin

from fedportal.core.admin_readonly import ServiceOwnedAdmin

from .models import Household, Person, Township, Village


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "township")
    list_filter = ("township",)
    search_fields = ("code", "name")


@admin.register(Household)
class HouseholdAdmin(ServiceOwnedAdmin):
    list_display = ("register_number", "township", "village", "is_multi_disability")
    list_filter = ("is_multi_disability", "township")
    search_fields = ("=register_number",)
    list_select_related = ("township", "village")
    raw_id_fields = ("township", "village")
    show_full_result_count = False


@admin.register(Person)
class PersonAdmin(ServiceOwnedAdmin):
    """Read-only: edits go through the person services (optimistic locking, derived fields, history)."""

    list_display = ("name", "township", "village", "poverty_status", "death_date", "moved_out_date")
    list_filter = ("township", "poverty_status")
    search_fields = ("^id_number", "=name")
    list_select_related = ("township", "village")
    raw_id_fields = ("township", "village", "household")
    readonly_fields = ("id_number", "sex", "birth_date", "version", "created_by")
    show_full_result_count = False
