from django.utils.text import slugify


def unique_slug(post):
    """The slug of post's title, with -2, -3, ... added while another row has it."""
    base = slugify(post.title)[:180] or "post"
    others = type(post)._default_manager.exclude(pk=post.pk)
    slug, suffix = base, 2
    while others.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug
