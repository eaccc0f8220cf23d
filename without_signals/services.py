from blog.models import Post

from .slugs import unique_slug


def create_post(*, title, body, author):
    """Create a blog post, with a slug made from its title.

    Code that creates posts (a view, an import command) calls this rather than
    Post.objects.create(), so the rules for a new post are in one place.
    """
    post = Post(title=title, body=body, author=author)
    post.slug = unique_slug(post)
    post.save()
    return post
