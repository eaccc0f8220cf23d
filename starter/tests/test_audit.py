# --8<-- [start:imports]
from django.apps import apps

from audit.models import LoginEvent


# --8<-- [end:imports]
# --8<-- [start:listener]
def test_a_login_is_recorded(alice, log_in, caplog):
    caplog.set_level("INFO", logger="audit")
    log_in("alice")

    event = LoginEvent.objects.get()
    assert event.user == alice
    assert caplog.messages == [f"'alice' logged in (login event {event.pk})"]


def test_a_failed_login_is_not_recorded(alice, log_in):
    log_in("alice", "not-her-password")

    assert not LoginEvent.objects.exists()


def test_the_receiver_is_connected_once(alice, log_in):
    # Run the wiring again, as a second import of the app would.
    apps.get_app_config("audit").ready()
    log_in("alice")

    assert LoginEvent.objects.count() == 1


# --8<-- [end:listener]
def test_the_admin_shows_login_events_but_adds_none(admin_client):
    # pytest-django's admin_client is logged in as a superuser. The audit trail
    # is the receiver's to write: no "Add" form, where a missing user was a 500.
    assert admin_client.get("/admin/audit/loginevent/").status_code == 200
    assert admin_client.get("/admin/audit/loginevent/add/").status_code == 403
