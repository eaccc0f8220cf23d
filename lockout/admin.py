from django.contrib import admin
from django.contrib.auth.forms import UsernameField

from .counting import username_digest
from .models import FailedLogins


@admin.register(FailedLogins)
class FailedLoginsAdmin(admin.ModelAdmin):
    """Read-only; delete a row to lift a lockout early.

    A row holds a digest of its user name, never the name: search for a name
    to find its counters.
    """

    list_display = ["digest", "address", "failures", "last_failure_at"]
    search_fields = ["client_address"]
    search_help_text = "A user name, or a client address."
    readonly_fields = [
        "username_digest",
        "client_address",
        "failures",
        "last_failure_at",
    ]

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        # The name as the login form cleaned it before the backend counted it.
        name = UsernameField().to_python(search_term)
        if name:
            found |= queryset.filter(username_digest=username_digest(name))
        return found, may_have_duplicates

    @admin.display(description="user name digest")
    def digest(self, counter):
        return counter.username_digest[:12]

    @admin.display(description="client address", ordering="client_address")
    def address(self, counter):
        return counter.client_address or "(all addresses)"
