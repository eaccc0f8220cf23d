"""Chapter 6: how connect() and disconnect() really behave, shown by running code.

Each test uses a Signal() of its own or disconnects what it connects, so the
project's receivers are left as they were.
"""

# --8<-- [start:imports]
import gc
import threading

import django.contrib.auth
import pytest
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_save
from django.dispatch import Signal

from blog.models import Post, Tag
from foo.signals import user_login
from foo.views import LoginView


# --8<-- [end:imports]
def test_send_calls_plain_receivers_in_connection_order_in_the_senders_thread():
    # Chapter 1's picture of send(), for receivers that are plain functions.
    # Async receivers run after them, in an event loop (chapter 9).
    ping = Signal()
    calls = []

    def second(sender, **kwargs):
        calls.append(("second", threading.get_ident()))

    def first(sender, **kwargs):
        calls.append(("first", threading.get_ident()))
        return "done"

    ping.connect(second)
    ping.connect(first)
    responses = ping.send(sender=None)

    here = threading.get_ident()
    assert calls == [("second", here), ("first", here)]
    assert responses == [(second, None), (first, "done")]


def test_in_debug_mode_connect_refuses_a_receiver_without_kwargs(settings):
    # Chapter 4: Django may add arguments to a signal; **kwargs keeps a
    # receiver working. With DEBUG on, connect() checks it.
    ping = Signal()

    def no_kwargs(sender):
        pass

    settings.DEBUG = True
    with pytest.raises(ValueError, match=r"must accept keyword arguments"):
        ping.connect(no_kwargs)
    settings.DEBUG = False
    ping.connect(no_kwargs)  # accepted, and would break on the first send
    with pytest.raises(TypeError):
        ping.send(sender=None)


def test_signal_takes_no_providing_args_any_more():
    # Chapter 5: removed in Django 4.0.
    with pytest.raises(TypeError, match="providing_args"):
        Signal(providing_args=["request", "user"])


# --8<-- [start:dispatch_uid]
def test_connecting_the_same_function_twice_keeps_one_receiver():
    ping = Signal()
    calls = []

    def receiver(sender, **kwargs):
        calls.append(sender)

    ping.connect(receiver)
    ping.connect(receiver)  # same function object: same key, ignored
    ping.send(sender=None)
    assert calls == [None]


def test_dispatch_uid_is_for_receivers_that_are_rebuilt():
    ping = Signal()
    calls = []

    def make_receiver():
        def receiver(sender, **kwargs):
            calls.append(sender)

        return receiver

    # Two different function objects (as after a module is imported twice):
    # without a dispatch_uid, both would be connected. With one, only the first.
    ping.connect(make_receiver(), weak=False, dispatch_uid="demo.receiver")
    ping.connect(make_receiver(), weak=False, dispatch_uid="demo.receiver")
    ping.send(sender=None)
    assert calls == [None]


# --8<-- [end:dispatch_uid]
# --8<-- [start:weak]
def connect_a_closure(signal, calls, **connect_kwargs):
    def receiver(sender, **kwargs):
        calls.append(sender)

    signal.connect(receiver, **connect_kwargs)
    # Returning drops the last strong reference to `receiver`.


def test_closure_connected_weakly_silently_disappears():
    ping = Signal()
    calls = []
    connect_a_closure(ping, calls)
    gc.collect()  # CPython frees it at once anyway; this makes it certain
    assert ping.send(sender=None) == []  # no receiver left, and no error either
    assert calls == []
    assert not ping.has_listeners()


def test_closure_connected_with_weak_false_stays():
    ping = Signal()
    calls = []
    connect_a_closure(ping, calls, weak=False)
    gc.collect()
    ping.send(sender=None)
    assert calls == [None]


# --8<-- [end:weak]
# --8<-- [start:sender_class]
def test_sender_filter_matches_that_exact_object_not_subclasses():
    class CustomLoginView(LoginView):
        pass

    logged_in = Signal()  # a stand-in for foo's user_login, without bar listening
    calls = []

    def receiver(sender, **kwargs):
        calls.append(sender)

    logged_in.connect(receiver, sender=LoginView)
    logged_in.send(sender=LoginView)
    logged_in.send(sender=CustomLoginView)
    assert calls == [LoginView]  # the subclass's send was not delivered


# --8<-- [end:sender_class]
# --8<-- [start:sender_lazy]
@pytest.mark.django_db
def test_model_signals_accept_a_lazy_app_label_model_string(alice):
    calls = []

    def receiver(sender, instance, **kwargs):
        calls.append(sender)

    # Model signals only (ModelSignal): the string is resolved to the class,
    # now or as soon as the model is loaded.
    post_save.connect(receiver, sender="blog.Post")
    try:
        # Slugs given: chapter 7's receiver that fills them is not needed here.
        Post.objects.create(title="Lazy", slug="lazy", body="x", author=alice)
        Tag.objects.create(name="not-a-post")
    finally:
        # With a string, disconnect() works but returns None, not True/False:
        # pass the class itself when you need the answer.
        assert post_save.disconnect(receiver, sender="blog.Post") is None
    Post.objects.create(title="After", slug="after", body="x", author=alice)
    assert calls == [Post]


def test_other_signals_do_not_resolve_strings():
    # On a plain Signal, "foo.LoginView" is just a string: nothing ever sends it.
    logged_in = Signal()
    calls = []

    def receiver(sender, **kwargs):
        calls.append(sender)

    logged_in.connect(receiver, sender="foo.LoginView")
    logged_in.send(sender=LoginView)
    assert calls == []


# --8<-- [end:sender_lazy]
# --8<-- [start:sender_string]
def test_string_senders_match_by_identity_not_by_equality():
    # user_login_failed is sent with sender=django.contrib.auth.__name__, the
    # string "django.contrib.auth". Receivers are matched by id(sender), so an
    # equal string that is a different object matches nothing.
    equal_string = ".".join(["django", "contrib", "auth"])
    assert equal_string == django.contrib.auth.__name__
    assert equal_string is not django.contrib.auth.__name__

    calls = []

    def receiver(sender, **kwargs):
        calls.append("called")

    user_login_failed.connect(receiver, sender=equal_string)
    try:
        user_login_failed.send(sender=django.contrib.auth.__name__, credentials={})
    finally:
        user_login_failed.disconnect(receiver, sender=equal_string)
    assert calls == []


def test_string_senders_work_with_the_very_same_object_or_a_check_inside():
    calls = []

    def by_same_object(sender, **kwargs):
        calls.append("same object")

    def by_equality(sender, **kwargs):
        if sender == "django.contrib.auth":  # robust: compare inside
            calls.append("equality")

    user_login_failed.connect(by_same_object, sender=django.contrib.auth.__name__)
    user_login_failed.connect(by_equality)
    try:
        user_login_failed.send(sender=django.contrib.auth.__name__, credentials={})
    finally:
        user_login_failed.disconnect(
            by_same_object, sender=django.contrib.auth.__name__
        )
        user_login_failed.disconnect(by_equality)
    assert calls == ["same object", "equality"]


# --8<-- [end:sender_string]
# --8<-- [start:sender_lifetime]
class Upload:
    """A short-lived object that is a signal's sender.

    Its 80 slots make it over 512 bytes, so CPython takes it from the C library's
    allocator, which hands a freed block to the next object of the same size:
    a new Upload gets the id() of the one that was just freed.
    """

    __slots__ = ("__weakref__", *(f"field{n}" for n in range(80)))


def send_from_a_new_object_at_a_dead_senders_address():
    """Connect a receiver for one Upload, free it, and send from a new Upload that
    got its id(). Returns the new Upload, what the receiver got, has_listeners()."""
    finished = Signal()
    calls = []

    def receiver(sender, **kwargs):
        calls.append(sender)

    upload = Upload()
    finished.connect(receiver, sender=upload)
    dead_id = id(upload)
    del upload  # its last reference: the object is freed
    newcomer = Upload()
    if id(newcomer) != dead_id:
        pytest.skip("the allocator gave the new object another address")
    finished.send(sender=newcomer)
    return newcomer, calls, finished.has_listeners(sender=newcomer)


@pytest.mark.skipif(
    django.VERSION < (6, 0), reason="Django 6.0 holds senders by weak reference"
)
def test_since_6_0_a_receiver_goes_with_its_sender():
    _, calls, listening = send_from_a_new_object_at_a_dead_senders_address()
    assert calls == []
    assert listening is False


@pytest.mark.skipif(django.VERSION >= (6, 0), reason="changed in Django 6.0")
def test_before_6_0_a_new_object_at_a_dead_senders_address_gets_its_receivers():
    newcomer, calls, listening = send_from_a_new_object_at_a_dead_senders_address()
    assert calls == [newcomer]  # a receiver connected for another object
    assert listening is True


# --8<-- [end:sender_lifetime]
# --8<-- [start:disconnect]
def test_disconnect_says_whether_it_found_the_receiver():
    ping = Signal()

    def receiver(sender, **kwargs):
        pass

    ping.connect(receiver, sender=LoginView)
    assert ping.disconnect(receiver) is False  # wrong sender: not the same key
    assert ping.disconnect(receiver, sender=LoginView) is True
    assert ping.disconnect(receiver, sender=LoginView) is False  # already gone


def test_disconnect_by_dispatch_uid_needs_no_receiver():
    ping = Signal()
    ping.connect(lambda sender, **kwargs: None, weak=False, dispatch_uid="demo.lambda")
    assert ping.disconnect(dispatch_uid="demo.lambda") is True


# --8<-- [end:disconnect]
# --8<-- [start:has_listeners]
def test_has_listeners_lets_a_sender_skip_expensive_arguments():
    ping = Signal()
    assert ping.has_listeners() is False

    def receiver(sender, **kwargs):
        pass

    ping.connect(receiver, sender=LoginView)
    assert ping.has_listeners(sender=LoginView) is True
    assert ping.has_listeners(sender=Post) is False  # nobody listens to Post
    assert ping.has_listeners() is False  # nobody listens to every sender


def test_foo_signal_has_bars_listener():
    assert user_login.has_listeners(sender=LoginView)


# --8<-- [end:has_listeners]
# --8<-- [start:every_thread]
def test_a_receiver_connected_in_one_thread_hears_every_threads_sends():
    ping = Signal()
    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, threading.current_thread().name))

    ping.connect(receiver)  # as if "for the length of my request"
    try:
        other = threading.Thread(
            target=ping.send, kwargs={"sender": "their request"}, name="theirs"
        )
        other.start()
        other.join()
        ping.send(sender="my request")
    finally:
        ping.disconnect(receiver)

    assert heard == [
        ("their request", "theirs"),
        ("my request", threading.current_thread().name),
    ]


# --8<-- [end:every_thread]
