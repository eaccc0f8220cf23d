"""Chapter 7: the classic traps of model signals, each shown by running code."""

# --8<-- [start:imports]
import json
from contextlib import contextmanager

import django
import pytest
from django import forms
from django.core.management import call_command
from django.db import connection, models
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.test.utils import isolate_apps
from django.utils.text import slugify

from blog.models import Comment, Post, Tag
from tests.signal_capture import capture_signal

pytestmark = pytest.mark.django_db


# --8<-- [end:imports]
# --8<-- [start:receiver_connected]
@contextmanager
def receiver_connected(signal, receiver, sender):
    """Connect `receiver` for the length of a `with` block, and always disconnect it."""
    signal.connect(receiver, sender=sender)
    try:
        yield
    finally:
        signal.disconnect(receiver, sender=sender)
        # --8<-- [end:receiver_connected]


# --8<-- [start:update]
def test_queryset_update_sends_nothing(post):
    with capture_signal(pre_save) as pre, capture_signal(post_save) as saved:
        changed = Post.objects.filter(pk=post.pk).update(title="Renamed in SQL")

    assert changed == 1
    assert pre == saved == []  # one UPDATE statement, no instance, no signal
    post.refresh_from_db()
    assert post.slug == "a-post-about-signals"  # the slug receiver never ran


# --8<-- [end:update]
# --8<-- [start:bulk]
def test_bulk_create_and_bulk_update_send_nothing(alice):
    with capture_signal(pre_save) as pre, capture_signal(post_save) as saved:
        (post,) = Post.objects.bulk_create(
            [Post(title="Made in bulk", body="x", author=alice)]
        )
        post.title = "Updated in bulk"
        Post.objects.bulk_update([post], ["title"])

    assert pre == saved == []
    assert Post.objects.get(pk=post.pk).slug == ""  # nobody filled it


# --8<-- [end:bulk]
# --8<-- [start:raw_sql]
def test_raw_sql_sends_nothing(post):
    with (
        capture_signal(pre_save) as pre,
        capture_signal(post_save) as saved,
        connection.cursor() as cursor,
    ):
        # blog_slugify() is the SQL function blog adds on connection_created.
        table = connection.ops.quote_name(Post._meta.db_table)  # "blog_post"
        cursor.execute(
            f"UPDATE {table} SET title = %s, slug = blog_slugify(%s) WHERE id = %s",
            ["Raw SQL", "Raw SQL", post.pk],
        )

    assert pre == saved == []
    post.refresh_from_db()
    assert (post.title, post.slug) == ("Raw SQL", "raw-sql")


# --8<-- [end:raw_sql]
# --8<-- [start:loaddata]
def test_loaddata_sends_raw_true_and_the_receivers_stand_aside(alice, tmp_path):
    fixture = tmp_path / "posts.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": Post._meta.label_lower,  # "blog.post"
                    "pk": 50,
                    "fields": {
                        "title": "Imported",
                        "slug": "",
                        "body": "x",
                        "author": alice.pk,
                        "created_at": "2025-01-01T00:00:00Z",
                    },
                },
                {
                    "model": Comment._meta.label_lower,
                    "pk": 60,
                    "fields": {
                        "post": 50,
                        "author": alice.pk,
                        "body": "casino",
                        "is_public": True,
                        "created_at": "2025-01-01T00:00:00Z",
                    },
                },
            ]
        )
    )
    with capture_signal(pre_save) as pre, capture_signal(post_save) as saved:
        call_command("loaddata", fixture, verbosity=0)

    assert [c.kwargs["raw"] for c in pre + saved] == [True] * 4
    # raw=True: the data is stored exactly as in the fixture. blog's receivers
    # return early, so the slug stays empty and the comment stays public.
    assert Post.objects.get(pk=50).slug == ""
    assert Comment.objects.get(pk=60).is_public is True


# --8<-- [end:loaddata]
# --8<-- [start:form_m2m]
class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["title", "body", "author", "tags"]


def test_post_save_runs_before_the_forms_many_to_many_data(alice):
    tag = Tag.objects.create(name="signals")
    seen = {}

    def on_post_save(sender, instance, **kwargs):
        seen["post_save"] = list(instance.tags.all())

    def on_tags_changed(sender, instance, action, **kwargs):
        if action == "post_add":
            seen["m2m_changed"] = list(instance.tags.all())

    form = PostForm({"title": "T", "body": "x", "author": alice.pk, "tags": [tag.pk]})
    with (
        receiver_connected(post_save, on_post_save, sender=Post),
        receiver_connected(m2m_changed, on_tags_changed, sender=Post.tags.through),
    ):
        form.save()  # saves the Post (post_save), then its tags (m2m_changed)

    assert seen == {"post_save": [], "m2m_changed": [tag]}


# --8<-- [end:form_m2m]
# --8<-- [start:recursion]
def test_save_inside_post_save_calls_itself_again(alice):
    depth = []

    def add_pk_to_slug(sender, instance, **kwargs):
        depth.append(instance.pk)
        if len(depth) > 10:  # stand-in for Python's RecursionError, much sooner
            raise RecursionError("post_save -> save() -> post_save -> ...")
        instance.slug = f"{slugify(instance.title)}-{instance.pk}"
        instance.save()  # sends post_save again, which calls this again...

    with (
        receiver_connected(post_save, add_pk_to_slug, sender=Post),
        pytest.raises(RecursionError),
    ):
        Post.objects.create(title="Loop", body="x", author=alice)


def test_update_fields_lets_the_receiver_recognise_its_own_save(alice):
    def add_pk_to_slug(sender, instance, update_fields, **kwargs):
        if update_fields is not None and "slug" in update_fields:
            return  # the save below, coming back: stop here
        instance.slug = f"{slugify(instance.title)}-{instance.pk}"
        instance.save(update_fields=["slug"])

    with receiver_connected(post_save, add_pk_to_slug, sender=Post):
        post = Post.objects.create(title="No loop", body="x", author=alice)
    assert Post.objects.get(pk=post.pk).slug == f"no-loop-{post.pk}"


def test_queryset_update_writes_without_sending_anything(alice):
    def add_pk_to_slug(sender, instance, created, **kwargs):
        if created:
            instance.slug = f"{slugify(instance.title)}-{instance.pk}"
            Post.objects.filter(pk=instance.pk).update(slug=instance.slug)

    with (
        receiver_connected(post_save, add_pk_to_slug, sender=Post),
        capture_signal(post_save, sender=Post) as saved,
    ):
        post = Post.objects.create(title="No loop either", body="x", author=alice)
    assert len(saved) == 1
    assert Post.objects.get(pk=post.pk).slug == f"no-loop-either-{post.pk}"


# --8<-- [end:recursion]
# --8<-- [start:db_cascade]
@contextmanager
def tables_for(*models_to_create):
    """Create the models' tables for the block, and drop them after it."""
    with connection.schema_editor() as editor:
        for model in models_to_create:
            editor.create_model(model)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            for model in reversed(models_to_create):
                editor.delete_model(model)


# Any app in INSTALLED_APPS (here the one Post belongs to): the two models
# below exist only inside the test.
THROWAWAY_APP = Post._meta.app_label


def delete_an_article_with_two_replies(on_delete):
    """What deleting an article sends, when its replies use this on_delete."""
    with isolate_apps(THROWAWAY_APP):  # two throwaway models, forgotten afterwards

        class Article(models.Model):
            title = models.CharField(max_length=100)

            class Meta:
                app_label = THROWAWAY_APP

            def __str__(self):
                return self.title

        class Reply(models.Model):
            article = models.ForeignKey(Article, on_delete=on_delete)
            body = models.TextField()

            class Meta:
                app_label = THROWAWAY_APP

            def __str__(self):
                return self.body

        with tables_for(Article, Reply):
            article = Article.objects.create(title="On signals")
            Reply.objects.bulk_create(
                [Reply(article=article, body="Yes"), Reply(article=article, body="No")]
            )
            with capture_signal(pre_delete) as pre, capture_signal(post_delete) as post:
                deleted = article.delete()
            replies_left = Reply.objects.count()
    pre_senders = [call.sender.__name__ for call in pre]
    assert pre_senders == [call.sender.__name__ for call in post]
    return deleted, pre_senders, replies_left


# Creating tables on SQLite needs autocommit, not the test's usual transaction.
@pytest.mark.django_db(transaction=True)
def test_cascade_deletes_each_reply_through_django_and_its_signals():
    deleted, senders, replies_left = delete_an_article_with_two_replies(
        on_delete=models.CASCADE
    )
    reply, article = f"{THROWAWAY_APP}.Reply", f"{THROWAWAY_APP}.Article"
    assert deleted == (3, {reply: 2, article: 1})
    assert senders == ["Reply", "Reply", "Article"]
    assert replies_left == 0


@pytest.mark.skipif(django.VERSION < (6, 1), reason="DB_CASCADE is new in Django 6.1")
@pytest.mark.django_db(transaction=True)
def test_db_cascade_leaves_the_replies_to_the_database_and_sends_nothing_for_them():
    deleted, senders, replies_left = delete_an_article_with_two_replies(
        on_delete=models.DB_CASCADE
    )
    assert deleted == (1, {f"{THROWAWAY_APP}.Article": 1})  # replies not counted
    assert senders == ["Article"]
    assert replies_left == 0  # yet they are gone: ON DELETE CASCADE, in SQL


# --8<-- [end:db_cascade]
@pytest.mark.skipif(django.VERSION < (6, 1), reason="DB_CASCADE is new in Django 6.1")
def test_db_cascade_cannot_follow_a_python_level_on_delete():
    with isolate_apps(THROWAWAY_APP):

        class Author(models.Model):  # noqa: DJ008 (never printed)
            class Meta:
                app_label = THROWAWAY_APP

        class Article(models.Model):  # noqa: DJ008
            author = models.ForeignKey(Author, on_delete=models.CASCADE)

            class Meta:
                app_label = THROWAWAY_APP

        class Reply(models.Model):  # noqa: DJ008
            article = models.ForeignKey(Article, on_delete=models.DB_CASCADE)

            class Meta:
                app_label = THROWAWAY_APP

        assert [error.id for error in Reply.check()] == ["fields.E323"]

        class Reaction(models.Model):  # noqa: DJ008
            post = models.ForeignKey(Post, on_delete=models.DB_CASCADE)

            class Meta:
                app_label = THROWAWAY_APP

        # (E300 too, only because Post is not in the throwaway app registry.)
        assert "fields.E323" in {error.id for error in Reaction.check()}


# --8<-- [start:loaddata_m2m]
def load_a_tagged_post(author, tmp_path):
    """loaddata one post with one tag; returns the m2m_changed sends for it."""
    fixture = tmp_path / "tagged.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": Tag._meta.label_lower,
                    "pk": 70,
                    "fields": {"name": "fixtures"},
                },
                {
                    "model": Post._meta.label_lower,  # "blog.post"
                    "pk": 71,
                    "fields": {
                        "title": "Tagged",
                        "slug": "tagged",
                        "body": "x",
                        "author": author.pk,
                        "created_at": "2025-01-01T00:00:00Z",
                        "tags": [70],
                    },
                },
            ]
        )
    )
    with capture_signal(m2m_changed, sender=Post.tags.through) as changed:
        call_command("loaddata", fixture, verbosity=0)
    return changed


@pytest.mark.skipif(django.VERSION < (6, 1), reason="m2m_changed has raw from 6.1")
def test_loaddata_sends_m2m_changed_with_raw_true(alice, tmp_path):
    changed = load_a_tagged_post(alice, tmp_path)
    assert [(c.kwargs["action"], c.kwargs["raw"]) for c in changed] == [
        ("pre_add", True),
        ("post_add", True),
    ]
    with capture_signal(m2m_changed, sender=Post.tags.through) as changed:
        Post.objects.get(pk=71).tags.clear()  # your own code: raw=False
    assert [c.kwargs["raw"] for c in changed] == [False, False]


@pytest.mark.skipif(django.VERSION >= (6, 1), reason="m2m_changed has raw from 6.1")
def test_before_6_1_loaddata_sends_m2m_changed_with_no_raw(alice, tmp_path):
    changed = load_a_tagged_post(alice, tmp_path)
    assert [c.kwargs["action"] for c in changed] == ["pre_add", "post_add"]
    assert ["raw" in c.kwargs for c in changed] == [False, False]


# --8<-- [end:loaddata_m2m]
