from django.contrib import admin

from .models import FailedLogins


@admin.register(FailedLogins)
class FailedLoginsAdmin(admin.ModelAdmin):
    """Read-only; delete a row to lift a lockout early."""

    list_display = ["username", "address", "failures", "last_failure_at"]
    search_fields = ["username", "client_address"]
    readonly_fields = ["username", "client_address", "failures", "last_failure_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="client address", ordering="client_address")
    def address(self, counter):
        return counter.client_address or "(all addresses)"
