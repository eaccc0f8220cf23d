# --8<-- [start:imports]
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models.signals import post_save

from accounts.forms import SignUpForm
from accounts.models import Profile
from accounts.receivers import create_profile
from accounts.services import register_user


# --8<-- [end:imports]
# --8<-- [start:receiver]
def test_a_new_user_gets_a_profile(db, caplog):
    caplog.set_level("INFO")
    bob = get_user_model().objects.create_user(username="bob")

    assert Profile.objects.filter(user=bob).count() == 1
    assert caplog.messages == ["created the profile of 'bob'"]


def test_saving_a_user_again_creates_no_profile(alice):
    Profile.objects.filter(user=alice).delete()
    alice.first_name = "Alice"
    alice.save()

    assert not Profile.objects.filter(user=alice).exists()


def test_loaddata_creates_no_profile(db, tmp_path):
    fixture = tmp_path / "users.json"
    user = {"username": "carol", "password": "!"}
    fixture.write_text(json.dumps([{"model": "auth.user", "pk": 7, "fields": user}]))

    call_command("loaddata", fixture, verbosity=0)

    assert get_user_model().objects.filter(pk=7).exists()
    assert not Profile.objects.filter(user_id=7).exists()


def test_the_receiver_run_twice_keeps_one_profile(alice):
    User = get_user_model()
    post_save.send(
        sender=User, instance=alice, created=True, raw=False, using="default"
    )

    assert Profile.objects.filter(user=alice).count() == 1


# --8<-- [end:receiver]
# --8<-- [start:without_signal]
@pytest.fixture
def profile_receiver_muted():
    """Disconnect create_profile for one test, and connect it back."""
    User = get_user_model()
    # disconnect() returns False when it found nothing to disconnect.
    assert post_save.disconnect(create_profile, sender=User)
    try:
        yield
    finally:
        post_save.connect(create_profile, sender=User)


def test_the_sign_up_form_creates_the_profile(db, profile_receiver_muted):
    form = SignUpForm(
        data={"username": "bob", "password1": "a-long-pass", "password2": "a-long-pass"}
    )
    assert form.is_valid(), form.errors

    bob = form.save()

    assert Profile.objects.filter(user=bob).count() == 1


def test_register_user_creates_the_profile(db, profile_receiver_muted):
    bob = register_user(username="bob", email="bob@example.com", password="x")

    assert Profile.objects.filter(user=bob).count() == 1


# --8<-- [end:without_signal]
def test_without_the_receiver_a_new_user_has_no_profile(db, profile_receiver_muted):
    # What the two tests above rely on: the receiver really is muted.
    bob = get_user_model().objects.create_user(username="bob")

    assert not Profile.objects.filter(user=bob).exists()


def test_with_the_receiver_still_connected_the_alternatives_do_not_fail(db):
    # get_or_create: the receiver has made the profile already, and they keep it.
    bob = register_user(username="bob", email="bob@example.com", password="x")
    form = SignUpForm(
        data={"username": "eve", "password1": "a-long-pass", "password2": "a-long-pass"}
    )
    assert form.is_valid(), form.errors
    eve = form.save()

    assert Profile.objects.filter(user__in=[bob, eve]).count() == 2
