"""Chapter 1's alternatives to blog's slug receiver: a save() override and a service."""

import pytest
from django.db.models.signals import pre_save

import blog.models
from blog.signals import fill_post_slug
from without_signals.models import Post
from without_signals.services import create_post


def test_save_fills_an_empty_slug_from_the_title(alice):
    post = Post.objects.create(title="Signals, or not?", body="...", author=alice)

    assert post.slug == "signals-or-not"
    assert Post.objects.get(pk=post.pk).slug == "signals-or-not"


def test_save_keeps_a_slug_it_was_given(alice):
    post = Post.objects.create(title="A title", slug="chosen", body="", author=alice)

    assert Post.objects.get(pk=post.pk).slug == "chosen"


def test_save_makes_the_slug_unique(alice):
    Post.objects.create(title="Same title", body="", author=alice)
    second = Post.objects.create(title="Same title", body="", author=alice)

    assert second.slug == "same-title-2"


def test_save_with_update_fields_stores_the_slug_it_fills(alice):
    post = Post.objects.create(title="First", body="", author=alice)
    Post.objects.filter(pk=post.pk).update(slug="")  # update() skips save()
    post.slug = ""
    post.title = "Renamed"

    post.save(update_fields=["title"])

    assert Post.objects.get(pk=post.pk).slug == "renamed"


def test_bulk_create_skips_save(alice):
    # The limit chapter 1 names: like a receiver, save() is not called.
    (post,) = Post.objects.bulk_create([Post(title="Bulk", body="", author=alice)])

    assert Post.objects.get(pk=post.pk).slug == ""


@pytest.fixture
def slug_receiver_muted():
    """blog's own pre_save receiver off, so that only the service fills the slug."""
    assert pre_save.disconnect(fill_post_slug, sender=blog.models.Post)
    try:
        yield
    finally:
        pre_save.connect(fill_post_slug, sender=blog.models.Post)


def test_create_post_fills_the_slug_of_a_blog_post(alice, slug_receiver_muted):
    first = create_post(title="From a service", body="...", author=alice)
    second = create_post(title="From a service", body="...", author=alice)

    assert isinstance(first, blog.models.Post)
    assert blog.models.Post.objects.get(pk=first.pk).slug == "from-a-service"
    assert second.slug == "from-a-service-2"


def test_without_the_receiver_a_blog_post_gets_no_slug(alice, slug_receiver_muted):
    # What the test above relies on: the receiver really is off.
    post = blog.models.Post.objects.create(title="Plain", body="", author=alice)

    assert post.slug == ""
