from django.conf import settings
from django.db import models

from .slugs import unique_slug


class Post(models.Model):
    """A blog post that fills its own slug: no pre_save receiver needed."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self):
        return self.title

    def save(self, **kwargs):
        # Every save() of a Post passes here: the admin, forms, the shell, tests.
        # QuerySet.update() and bulk_create() do not, as with a receiver.
        if not self.slug:
            self.slug = unique_slug(self)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        super().save(**kwargs)
