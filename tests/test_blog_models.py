"""blog's receivers for Django's model signals, on Post, Comment and Tag."""

import pytest
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_init,
    pre_save,
)

from blog.models import Comment, Post, Tag
from tests.signal_capture import capture_signal

pytestmark = pytest.mark.django_db


def blog_lines(signal_log, name):
    return [line for line in signal_log() if line.startswith(f"[blog.signals] {name} ")]


# pre_save on Post: the slug ---------------------------------------------------


def test_pre_save_fills_an_empty_slug(alice, signal_log):
    post = Post.objects.create(title="Signals: the Basics!", body="x", author=alice)
    assert post.slug == "signals-the-basics"
    assert blog_lines(signal_log, "pre_save") == [
        "[blog.signals] pre_save Post slug='signals-the-basics' (filled)"
    ]


def test_pre_save_makes_the_slug_unique(alice):
    first = Post.objects.create(title="Same", body="x", author=alice)
    second = Post.objects.create(title="Same", body="x", author=alice)
    third = Post.objects.create(title="Same", body="x", author=alice)
    assert [first.slug, second.slug, third.slug] == ["same", "same-2", "same-3"]


def test_pre_save_keeps_a_given_slug_and_editing_keeps_it(alice):
    post = Post.objects.create(title="Title", slug="my-own", body="x", author=alice)
    post.title = "A new title"
    post.save()
    post.refresh_from_db()
    assert post.slug == "my-own"


def test_title_without_latin_letters_still_gets_a_slug(alice):
    assert Post.objects.create(title="Сигналы", body="x", author=alice).slug == "post"


# pre_save on Comment: the spam check --------------------------------------------


def test_clean_comment_is_public(post, bob, signal_log):
    comment = Comment.objects.create(post=post, author=bob, body="Great read.")
    assert comment.is_public is True
    assert "[blog.signals] pre_save Comment is_public=True" in signal_log()


@pytest.mark.parametrize("body", ["Visit my casino", "CASINO bonus", "best Casino!"])
def test_spammy_comment_is_stored_but_held_back(post, bob, signal_log, body):
    comment = Comment.objects.create(post=post, author=bob, body=body)
    comment.refresh_from_db()
    assert comment.is_public is False
    assert (
        "[blog.signals] pre_save Comment is_public=False (held back: contains 'casino')"
        in signal_log()
    )


def test_spam_words_come_from_the_setting(post, bob, settings):
    settings.BLOG_SPAM_WORDS = ["lottery"]
    assert Comment.objects.create(post=post, author=bob, body="casino").is_public
    assert not Comment.objects.create(post=post, author=bob, body="Lottery!").is_public


def test_moderator_can_publish_a_held_back_comment(post, bob):
    comment = Comment.objects.create(post=post, author=bob, body="casino")
    comment.is_public = True
    comment.save()
    comment.refresh_from_db()
    assert comment.is_public is True


# post_save: created or updated ----------------------------------------------------


def test_post_save_tells_created_from_updated(alice, signal_log):
    with capture_signal(post_save, sender=Post) as calls:
        post = Post.objects.create(title="T", body="x", author=alice)
        post.body = "changed"
        post.save(update_fields=["body"])

    assert [call.kwargs["created"] for call in calls] == [True, False]
    assert [call.kwargs["update_fields"] for call in calls] == [None, {"body"}]
    assert all(call.kwargs["raw"] is False for call in calls)
    assert all(call.kwargs["using"] == "default" for call in calls)
    assert blog_lines(signal_log, "post_save") == [
        f"[blog.signals] post_save Post(pk={post.pk}) created=True raw=False using='default' update_fields=None",
        f"[blog.signals] post_save Post(pk={post.pk}) created=False raw=False using='default' update_fields=['body']",
    ]


def test_post_save_receiver_is_limited_to_blog_models(alice, signal_log):
    # Saving a User sends post_save too, but blog's receiver filters by sender.
    alice.first_name = "Alice"
    alice.save()
    assert blog_lines(signal_log, "post_save") == []


def test_queryset_update_sends_no_save_signals(post, signal_log):
    with capture_signal(pre_save) as pre, capture_signal(post_save) as post_calls:
        Post.objects.filter(pk=post.pk).update(body="changed behind the signals' back")
    assert pre == post_calls == []


# pre_delete and post_delete -------------------------------------------------------------


def test_deleting_a_comment_reports_it_as_its_own_origin(comment, signal_log):
    pk = comment.pk
    with (
        capture_signal(pre_delete, sender=Comment) as pre,
        capture_signal(post_delete, sender=Comment) as post_calls,
    ):
        comment.delete()

    assert len(pre) == len(post_calls) == 1
    assert pre[0].kwargs["origin"] is comment
    assert post_calls[0].kwargs["origin"] is comment
    assert blog_lines(signal_log, "pre_delete") == [
        f"[blog.signals] pre_delete Comment(pk={pk}) origin=Comment(pk={pk})"
    ]
    assert blog_lines(signal_log, "post_delete") == [
        f"[blog.signals] post_delete Comment(pk={pk}) origin=Comment(pk={pk})"
    ]


def test_deleting_a_post_cascades_with_the_post_as_origin(post, comment, signal_log):
    post_pk, comment_pk = post.pk, comment.pk
    post.delete()
    assert (
        f"[blog.signals] post_delete Comment(pk={comment_pk}) origin=Post(pk={post_pk})"
        in signal_log()
    )
    assert (
        f"[blog.signals] post_delete Post(pk={post_pk}) origin=Post(pk={post_pk})"
        in signal_log()
    )


def test_queryset_delete_reports_the_queryset_as_origin(comment, signal_log):
    pk = comment.pk
    Comment.objects.filter(pk=pk).delete()
    assert (
        f"[blog.signals] post_delete Comment(pk={pk}) origin=QuerySet<Comment>"
        in signal_log()
    )


# m2m_changed on Post.tags ----------------------------------------------------------------


def test_every_m2m_action_with_its_pk_set(alice, signal_log):
    post = Post.objects.create(title="Tagged", body="x", author=alice)
    django, orm = Tag.objects.create(name="django"), Tag.objects.create(name="orm")

    with capture_signal(m2m_changed, sender=Post.tags.through) as calls:
        post.tags.add(django, orm)
        post.tags.remove(orm)
        post.tags.clear()
        orm.posts.add(post)  # from the other side: reverse=True

    assert [(c.kwargs["action"], c.kwargs["pk_set"]) for c in calls] == [
        ("pre_add", {django.pk, orm.pk}),
        ("post_add", {django.pk, orm.pk}),
        ("pre_remove", {orm.pk}),
        ("post_remove", {orm.pk}),
        ("pre_clear", None),
        ("post_clear", None),
        ("pre_add", {post.pk}),
        ("post_add", {post.pk}),
    ]
    assert [c.kwargs["reverse"] for c in calls] == [False] * 6 + [True] * 2
    assert [c.kwargs["model"] for c in calls] == [Tag] * 6 + [Post] * 2
    assert blog_lines(signal_log, "m2m_changed")[-1] == (
        f"[blog.signals] m2m_changed Post.tags action=post_add instance=Tag(pk={orm.pk}) "
        f"reverse=True model=Post pk_set=[{post.pk}]"
    )
    assert len(blog_lines(signal_log, "m2m_changed")) == 8


def test_adding_a_tag_already_there_sends_an_empty_pk_set(post):
    tag = post.tags.get()
    with capture_signal(m2m_changed, sender=Post.tags.through) as calls:
        post.tags.add(tag)
    assert [(c.kwargs["action"], c.kwargs["pk_set"]) for c in calls] == [
        ("pre_add", set()),
        ("post_add", set()),
    ]


# pre_init and post_init: counted per request, one line each ------------------------


def test_init_signals_are_counted_per_request(client, post, comment, signal_log):
    with capture_signal(post_init, sender=Post) as inits:
        client.get(post.get_absolute_url())

    assert len(inits) == 1
    # Two Comments: the one from the database, and the empty Comment() that
    # the page's unbound CommentForm (a ModelForm) builds.
    assert blog_lines(signal_log, "pre_init") == [
        "[blog.signals] pre_init during this request: Comment=2, Post=1, Tag=1"
    ]
    assert blog_lines(signal_log, "post_init") == [
        "[blog.signals] post_init during this request: Comment=2, Post=1, Tag=1"
    ]


def test_init_signals_outside_a_request_log_nothing(post, signal_log):
    with capture_signal(pre_init, sender=Post) as calls:
        list(Post.objects.all())
    assert len(calls) == 1
    assert blog_lines(signal_log, "pre_init") == []
    assert blog_lines(signal_log, "post_init") == []
