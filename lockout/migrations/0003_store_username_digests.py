"""FailedLogins keeps a keyed digest of each user name instead of the name.

A typed user name may be a password typed into the wrong box, so it must not be
stored. The table is dropped and made afresh rather than converted: the
counters only matter for LOGIN_LOCKOUT_WINDOW (minutes), so losing them lifts
the lockouts running at the time of the migration and nothing else.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lockout", "0002_counter_per_client_address"),
    ]

    operations = [
        migrations.DeleteModel(name="FailedLogins"),
        migrations.CreateModel(
            name="FailedLogins",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("username_digest", models.CharField(max_length=64)),
                ("client_address", models.CharField(blank=True, max_length=50)),
                ("failures", models.PositiveIntegerField(default=0)),
                ("last_failure_at", models.DateTimeField()),
            ],
            options={
                "verbose_name_plural": "failed logins",
                "ordering": ["-last_failure_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("username_digest", "client_address"),
                        name="lockout_one_counter_per_name_and_address",
                    )
                ],
            },
        ),
    ]
