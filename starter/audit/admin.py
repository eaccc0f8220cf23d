from django.contrib import admin

from .models import LoginEvent


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    list_display = ["user", "logged_in_at"]

    # An audit trail is written by the receiver, never by hand: the admin shows
    # the records and may delete them, but has no form to add or change one.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
