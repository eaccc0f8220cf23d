"""Receivers of accounts, connected by AccountsConfig.ready()."""

import logging

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Profile

logger = logging.getLogger(__name__)


# The sender is the user model, named as in settings: the receiver still works
# if the project later switches to a custom user model.
@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender, instance, created, raw, **kwargs):
    # created: only a new user needs a profile, not every later save.
    # raw: loaddata is saving a fixture, which brings its own profiles.
    if not created or raw:
        return
    # get_or_create, not create: should this run twice for one user (its module
    # imported under two names, or the signal sent again), the second run finds
    # the profile instead of failing on the one-to-one constraint.
    _profile, made = Profile.objects.get_or_create(user=instance)
    if made:
        logger.info("created the profile of %r", instance.get_username())
