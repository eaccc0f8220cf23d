from django.contrib import admin

from .models import LoginEvent


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    list_display = ["user", "logged_in_at"]
    readonly_fields = ["user", "logged_in_at"]
