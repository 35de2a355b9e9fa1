"""Community records are written through their services (authorization, rules, audit context): the admin only reads."""

from django.contrib import admin

from fedportal.core.admin_readonly import ServiceOwnedAdmin

from . import models

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
    admin.site.register(model, ServiceOwnedAdmin)
