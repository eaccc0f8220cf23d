from django.db import models

# The client_address of the counter that adds up the attempts from every address.
ALL_ADDRESSES = ""


class FailedLogins(models.Model):
    """How many passwords were checked, and were wrong, for one user name lately.

    Two counters per user name: one per client address it was tried from, and
    one for all addresses together (client_address ALL_ADDRESSES). A row exists
    for every name that was tried, whether or not an account has it: otherwise
    the lockout would tell an attacker which names exist. So the name itself is
    never stored, only a keyed digest of it (see username_digest() in
    counting.py): it may be a password typed into the user-name box.
    """

    username_digest = models.CharField(max_length=64)
    # An IPv4 address, an IPv6 /64 network, or ALL_ADDRESSES.
    client_address = models.CharField(max_length=50, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "failed logins"
        ordering = ["-last_failure_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["username_digest", "client_address"],
                name="lockout_one_counter_per_name_and_address",
            )
        ]

    def __str__(self):
        where = self.client_address or "all addresses"
        return f"{self.username_digest[:12]} from {where}: {self.failures} failed"
