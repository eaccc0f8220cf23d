from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Profile


def register_user(*, username, email, password):
    """Create a user and their profile: both rows, or neither."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username, email=email, password=password
        )
        Profile.objects.get_or_create(user=user)
    return user
