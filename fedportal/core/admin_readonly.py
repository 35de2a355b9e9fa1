"""Admin registrations of models whose writes belong to services.

A service authorizes its caller, keeps derived fields and flags true, and writes its audit context; an admin form
would write past all of that. So the admin shows these models and changes none of them (add, change and delete are
refused, a change POST included): the admin stays the editor only of configuration (townships and villages,
programs, rates and parameters, rehab settings) and of users.
"""

from django.contrib import admin


class ServiceOwnedAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceOwnedInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
