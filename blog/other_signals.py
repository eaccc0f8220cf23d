"""Receivers of blog for Django's other built-in signals: requests that fail,
migrations, database connections and settings changed by tests.

Chapter 8 of the tutorial walks through them. Like blog.signals, this module
connects its receivers when it is imported, from BlogConfig.ready(). The
migration receivers are methods of BlogConfig (blog/apps.py), connected with the
config itself as their sender.
"""

# --8<-- [start:imports]
import logging
import sys
from functools import cache

from django.conf import settings
from django.core.signals import got_request_exception, setting_changed
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils.text import slugify

logger = logging.getLogger(__name__)


# --8<-- [end:imports]
# --8<-- [start:got_request_exception]
@receiver(got_request_exception)
def report_request_exception(sender, request, **kwargs):
    # Sent while Django is handling an exception that no view caught (sender is
    # None), just before it builds the 500 page. Only the exception's type is
    # logged: its message could quote user input or a secret.
    exception = sys.exception()
    logger.info(
        "got_request_exception path=%r exception=%s",
        request.path,
        type(exception).__name__,
    )
    # --8<-- [end:got_request_exception]


# --8<-- [start:connection_created]
@receiver(connection_created)
def add_sql_functions(sender, connection, **kwargs):
    # Runs once for every new database connection, before any query on it.
    # SQLite has no slug function: give it Django's own, so raw SQL and
    # Func(..., function="blog_slugify") compute slugs exactly like Python.
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "blog_slugify", 1, lambda text: str(slugify(text)), deterministic=True
        )
    logger.info(
        "connection_created vendor=%s alias=%r",
        connection.vendor,
        connection.alias,
    )
    # --8<-- [end:connection_created]


# --8<-- [start:setting_changed]
@cache
def spam_words():
    """BLOG_SPAM_WORDS in lower case, computed once and kept."""
    return tuple(word.lower() for word in settings.BLOG_SPAM_WORDS)


@receiver(setting_changed)
def forget_spam_words(sender, setting, value, enter, **kwargs):
    # override_settings() and pytest-django's `settings` fixture send this when
    # they change a setting (enter=True) and when they restore it (enter=False).
    # Without it, a test that changes BLOG_SPAM_WORDS would see the cached value.
    if setting == "BLOG_SPAM_WORDS":
        spam_words.cache_clear()
        logger.info("setting_changed %s enter=%s", setting, enter)
    # --8<-- [end:setting_changed]
