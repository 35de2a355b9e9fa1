"""Community records are written through their services (authorization, rules, audit context): the admin only reads."""

from django.contrib import admin

from . import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (
    models.TrainingSession,
    models.JobFair,
    models.JobReferral,
    models.ShelteredWorkshop,
    models.ReliefVisit,
    models.LegalCase,
    models.CultureEvent,
    models.ScreeningTally,
    models.SuspectedReport,
):
    admin.site.register(model, ReadOnlyAdmin)
