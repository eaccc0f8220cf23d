"""The pages a learner clicks through, and what they do with bad input."""

import re

import pytest
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_save
from django.test import Client
from django.urls import resolve, reverse

from blog.models import Comment, Post
from blog.views import PostDetailView
from foo.signals import user_login
from tests.conftest import PASSWORD
from tests.signal_capture import capture_signal

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"

HOSTILE_VALUES = {
    "empty": "",
    "10k-chars": "x" * 10_000,
    "non-ascii": "Ünïcødé ✓ 日本語 🙂",
    "control-chars": "a\x01b\x1b[31mred\r\nsecond line\t",
    "nul-byte": "before\x00after",
}


def comment_url(post):
    return f"{post.get_absolute_url()}comments/"


def test_post_list_and_post_page(client, post, comment):
    listing = client.get("/")
    assert listing.status_code == 200
    assert post.title in listing.text

    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert comment.body in page.text
    assert "Log in</a> to comment" in page.text


def test_empty_post_list_points_to_the_admin(client, db):
    listing = client.get("/")
    assert listing.status_code == 200
    # The admin's index, which every app's admin is reached from: the template
    # names no app label, so it works in an app of any name.
    admin = reverse("admin:index")
    assert re.search(
        rf'No posts yet.*add one in the\s+<a href="{admin}">', listing.text
    )


def test_unknown_post_is_404_from_the_post_view(client, db):
    missing = Post(slug="no-such-post").get_absolute_url()
    assert resolve(missing).func.view_class is PostDetailView  # the URL exists
    assert client.get(missing).status_code == 404  # the view found no post


def test_comment_is_published_with_a_message(alice_client, post, alice):
    with capture_signal(post_save, sender=Comment) as saved:
        response = alice_client.post(
            comment_url(post), {"body": "Thanks!"}, follow=True
        )

    comment = Comment.objects.get()
    assert (comment.author, comment.post, comment.is_public) == (alice, post, True)
    assert [call.kwargs["created"] for call in saved] == [True]
    assert "Your comment is published." in response.text
    assert "Thanks!" in response.text


def test_spammy_comment_is_held_back_with_a_message(alice_client, post):
    response = alice_client.post(
        comment_url(post), {"body": "Cheap casino"}, follow=True
    )

    assert Comment.objects.get().is_public is False
    assert "held back for review" in response.text
    assert "Cheap casino" not in response.text


def test_commenting_requires_login(client, post):
    response = client.post(comment_url(post), {"body": "anonymous"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Comment.objects.exists()


def test_comment_url_accepts_post_only(alice_client, post):
    assert alice_client.get(comment_url(post)).status_code == 405


def test_comment_on_unknown_post_is_404(alice_client, db):
    assert alice_client.post("/posts/nope/comments/", {"body": "x"}).status_code == 404


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_hostile_comment_body_is_stored_or_refused_never_a_500(
    alice_client, post, value
):
    response = alice_client.post(comment_url(post), {"body": value})

    assert response.status_code in {302, 400}
    if response.status_code == 400:
        assert response.context["form"].errors["body"]
        assert not Comment.objects.exists()
    else:
        assert Comment.objects.get().body == value.strip()  # forms strip the ends


def test_missing_comment_field_shows_the_form_with_errors(alice_client, post):
    response = alice_client.post(comment_url(post), {})
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert not Comment.objects.exists()


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
@pytest.mark.parametrize("field", ["username", "password"])
def test_hostile_login_input_shows_the_form_and_reports_no_login(
    client, alice, field, value
):
    data = {"username": "alice", "password": PASSWORD, field: value}
    with (
        capture_signal(user_login) as logins,
        capture_signal(user_login_failed) as fails,
    ):
        response = client.post(LOGIN_URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert logins == []
    assert "_auth_user_id" not in client.session
    assert len(fails) <= 1


def test_login_without_csrf_token_is_403_and_sends_nothing(alice):
    client = Client(enforce_csrf_checks=True)
    with (
        capture_signal(user_login) as logins,
        capture_signal(user_login_failed) as fails,
    ):
        response = client.post(LOGIN_URL, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert logins == fails == []


def test_comment_without_csrf_token_is_403_and_stores_nothing(alice, post):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(comment_url(post), {"body": "no token"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_login_with_csrf_token_works_when_checks_are_enforced(alice):
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN_URL)
    token = client.cookies["csrftoken"].value
    with capture_signal(user_login) as logins:
        response = client.post(
            LOGIN_URL,
            {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
    assert response.status_code == 302
    assert len(logins) == 1


def test_logout_button_is_a_post_form(alice_client, post):
    page = alice_client.get("/").text
    assert '<form method="post" action="/accounts/logout/">' in page
