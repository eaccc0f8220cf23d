from django.conf import settings
from django.db import models


class LoginEvent(models.Model):
    """One login through the login page, recorded by audit's receiver."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_events"
    )
    logged_in_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-logged_in_at"]

    def __str__(self):
        return f"{self.user} at {self.logged_in_at:%Y-%m-%d %H:%M:%S}"
