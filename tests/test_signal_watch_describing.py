"""signal_watch's descriptions: short, masked, and made without running anyone's code."""

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.dispatch import Signal
from django.http import HttpRequest
from django.test import RequestFactory
from django.test.utils import isolate_apps
from django.utils.functional import SimpleLazyObject

from blog.models import Post
from signal_watch.describing import describe_kwargs
from signal_watch.recording import SignalRecorder

STARS = "'********************'"


def listener(sender, **kwargs):
    pass


def test_arguments_with_a_sensitive_name_are_masked():
    request = RequestFactory().post("/reset/?token=abc123secret", {"x": "1"})
    request.COOKIES["sessionid"] = "cookie-session-key-123"
    described = describe_kwargs(
        None,
        {
            "password": "hunter2-password",
            "api_key": "key-123456",
            "auth_token": "tok-123456",
            "client_secret": "shh-123456",
            "session_key": "sess-123456",
            "csrf_token": "csrf-123456",
            "nested": {"password": "nested-password", "remember": True},
            "request": request,
            "remember": "yes",
        },
    )
    assert described == {
        "password": STARS,
        "api_key": STARS,
        "auth_token": STARS,
        "client_secret": STARS,
        "session_key": STARS,
        "csrf_token": STARS,
        "nested": f"{{'password': {STARS}, 'remember': True}}",
        "request": "<WSGIRequest: POST '/reset/'>",
        "remember": "'yes'",
    }


def test_a_typed_user_name_is_masked_wherever_it_goes():
    # A password typed into the user-name box must not show up as a user name.
    typed = "hunter2-typed-into-the-wrong-box"
    described = describe_kwargs(
        None,
        {
            "username": typed,
            "kwargs": {"username": typed, "failures": 1},  # pre_init of a model
            "credentials": {"email": typed, "password": STARS.strip("'")},
        },
    )
    assert typed not in str(described)
    assert described == {
        "username": STARS,
        "kwargs": f"{{'username': {STARS}, 'failures': 1}}",
        "credentials": f"{{'email': {STARS}, 'password': {STARS}}}",
    }


def test_a_secret_url_argument_is_masked_in_the_path():
    request = RequestFactory().get("/reset/MQ/c4v1ab-0123456789abcdef/")
    request.resolver_match = type(
        "Match", (), {"kwargs": {"uidb64": "MQ", "token": "c4v1ab-0123456789abcdef"}}
    )()
    assert describe_kwargs(None, {"request": request}) == {
        "request": "<WSGIRequest: GET '/reset/MQ/********************/'>"
    }


def test_setting_changed_masks_the_value_of_a_secret_setting():
    assert describe_kwargs(
        None, {"setting": "SECRET_KEY", "value": "s3cr3t-value", "enter": True}
    ) == {"setting": "'SECRET_KEY'", "value": STARS, "enter": "True"}
    assert describe_kwargs(None, {"setting": "DEBUG", "value": True}) == {
        "setting": "'DEBUG'",
        "value": "True",
    }


def test_values_are_described_without_running_their_code(
    django_assert_num_queries, post, alice
):
    class Secretive:
        def __repr__(self):
            raise AssertionError("repr() of an unknown object must not be called")

    lazy_user = SimpleLazyObject(lambda: get_user_model().objects.get(pk=alice.pk))
    with django_assert_num_queries(0):
        described = describe_kwargs(
            Post,
            {
                "origin": Post.objects.all(),
                "instance": post,
                "other": Secretive(),
                "long": "x" * 500,
                "pk_set": {3, 10, 1, 2},
                "user": lazy_user,
            },
        )
    assert described["origin"] == "<QuerySet of blog.Post>"
    assert described["instance"] == f"<Post pk={post.pk}>"
    assert described["other"].endswith("Secretive object>")
    assert len(described["long"]) < 80 and "..." in described["long"]
    assert described["pk_set"] == "{1, 2, 3, 10}"
    assert described["user"] == "<django.utils.functional.SimpleLazyObject object>"


def test_a_users_name_shows_only_when_loaded_and_saved(
    django_assert_num_queries, alice
):
    User = get_user_model()
    deferred = User.objects.only("id").get(pk=alice.pk)
    unsaved = User(username="typed-by-someone")
    signal = Signal()
    signal.connect(listener, weak=False)  # arguments are kept for sends that call one
    with SignalRecorder() as recorder:
        signal.send(sender=User, loaded=alice, deferred=deferred, unsaved=unsaved)
    with django_assert_num_queries(0):
        (record,) = recorder.records
    assert record.kwargs == {
        "loaded": "<User: 'alice'>",
        "deferred": f"<User pk={alice.pk}>",  # its name was not loaded: no query
        "unsaved": "<User pk=None>",
    }


@isolate_apps("signal_watch")
def test_reading_records_never_raises():
    class Account(models.Model):
        """A user model of someone else's: get_username(), no USERNAME_FIELD."""

        class Meta:
            app_label = "signal_watch"

        def __str__(self):
            raise AssertionError("not called")

        def get_username(self):
            raise AssertionError("not called")

    class BrokenRequest(HttpRequest):
        method = "GET"

        def __init__(self):
            pass  # no path: reading it raises

        @property
        def path(self):
            raise RuntimeError("broken")

    signal = Signal()
    signal.connect(listener, weak=False)
    account, request = Account(pk=3), BrokenRequest()
    with SignalRecorder() as recorder:
        signal.send(sender=Account, user=account, request=request)
    (record,) = recorder.records
    assert record.sender == "signal_watch.Account"
    assert record.kwargs == {
        "user": "<Account pk=3>",
        "request": "<not describable: RuntimeError>",
    }


@pytest.mark.parametrize("size", [3, 25])
def test_long_values_are_cut(size):
    described = describe_kwargs(
        None,
        {
            "items": list(range(size)),
            "mapping": {f"k{i}": i for i in range(size)},
        },
    )
    if size == 3:
        assert described == {
            "items": "[0, 1, 2]",
            "mapping": "{'k0': 0, 'k1': 1, 'k2': 2}",
        }
    else:
        assert described["items"].endswith("8, 9, ...]")
        assert described["mapping"].endswith("'k9': 9, ...}")
