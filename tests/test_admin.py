"""Creating, editing, tagging and deleting a post in the admin prints the model signals."""

import pytest
from django.contrib.auth import get_user_model

from blog.models import Post, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, alice):
    get_user_model().objects.filter(pk=alice.pk).update(
        is_staff=True, is_superuser=True
    )
    client.force_login(alice)
    return client


def post_form(alice, tags, **fields):
    return {
        "title": "From the admin",
        "slug": "",
        "body": "Written in the admin.",
        "author": alice.pk,
        "tags": [tag.pk for tag in tags],
        # The comments inline's management form.
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        **fields,
    }


def test_admin_create_edit_delete_post_prints_model_signals(
    admin_client, alice, signal_log
):
    django_tag = Tag.objects.create(name="django")
    orm_tag = Tag.objects.create(name="orm")

    response = admin_client.post(
        "/admin/blog/post/add/", post_form(alice, [django_tag])
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get()
    assert post.slug == "from-the-admin"

    response = admin_client.post(
        f"/admin/blog/post/{post.pk}/change/",
        post_form(alice, [orm_tag], slug=post.slug, title="Edited"),
    )
    assert response.status_code == 302
    response = admin_client.post(f"/admin/blog/post/{post.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Post.objects.exists()

    lines = signal_log()
    pk = post.pk
    expected_in_order = [
        "[blog.signals] pre_save Post slug='from-the-admin' (filled)",
        f"[blog.signals] post_save Post(pk={pk}) created=True raw=False using='default' update_fields=None",
        # The admin saves the post first and its many-to-many data after.
        f"[blog.signals] m2m_changed Post.tags action=post_add instance=Post(pk={pk}) reverse=False model=Tag pk_set=[{django_tag.pk}]",
        "[blog.signals] pre_save Post slug='from-the-admin' (kept)",
        f"[blog.signals] post_save Post(pk={pk}) created=False raw=False using='default' update_fields=None",
        f"[blog.signals] m2m_changed Post.tags action=post_remove instance=Post(pk={pk}) reverse=False model=Tag pk_set=[{django_tag.pk}]",
        f"[blog.signals] m2m_changed Post.tags action=post_add instance=Post(pk={pk}) reverse=False model=Tag pk_set=[{orm_tag.pk}]",
        f"[blog.signals] pre_delete Post(pk={pk}) origin=Post(pk={pk})",
        f"[blog.signals] post_delete Post(pk={pk}) origin=Post(pk={pk})",
    ]
    positions = [lines.index(line) for line in expected_in_order]
    assert positions == sorted(positions)
