"""The SECRET_KEY of a development checkout: made once, kept in a git-ignored file.

A key written in settings.py would be known to everyone who has the repository,
and anyone who knows it can sign what Django and the debug toolbar trust (the
toolbar's SQL panel runs the SQL it gets signed, and sessions and password reset
links are signed too). So each checkout makes its own, the first time the
settings are loaded.
"""

import os
import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

# How long to wait for another process that created the file to write its key.
WAIT_FOR_WRITER_SECONDS = 5


def development_secret_key(path):
    """The key kept at ``path``, made and kept there first if there is none.

    The file is created with O_CREAT | O_EXCL, readable by its owner only: when
    two processes start at once, one creates it and the other reads that key.
    """
    key = get_random_secret_key()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_secret_key(path)
    except OSError as error:
        raise ImproperlyConfigured(
            f"Cannot create {path} to keep a development secret key in ({error}): "
            "set DJANGO_SECRET_KEY instead."
        ) from error
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


def read_secret_key(path):
    # The process that created the file may not have written its key yet.
    deadline = time.monotonic() + WAIT_FOR_WRITER_SECONDS
    while True:
        with open(path) as file:
            text = file.read()
        if text.endswith("\n") and text.strip():
            return text.strip()
        if time.monotonic() > deadline:
            raise ImproperlyConfigured(
                f"{path} holds no development secret key: delete it, and a new "
                "one is made at the next start."
            )
        time.sleep(0.05)
