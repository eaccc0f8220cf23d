from django.contrib.auth.forms import UserCreationForm
from django.db import transaction

from .models import Profile


class SignUpForm(UserCreationForm):
    """Django's sign-up form, which also creates the new user's profile."""

    def save(self, commit=True):
        if not commit:
            # The caller saves the user later, and must create the profile then.
            return super().save(commit=False)
        # Both rows or neither: no user is left without a profile.
        with transaction.atomic():
            user = super().save()
            Profile.objects.get_or_create(user=user)
        return user
