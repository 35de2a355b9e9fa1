from django.contrib import admin

from .models import Township, Village


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
