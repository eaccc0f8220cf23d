import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Django's default hasher is slow on purpose; tests do not need that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user(username="alice", password=PASSWORD)


@pytest.fixture
def log_in(client):
    """Post the login form, as a browser does: log_in('alice', 'password')."""

    def log_in(username, password=PASSWORD):
        return client.post(
            reverse("accounts:login"), {"username": username, "password": password}
        )

    return log_in
