"""Receivers of blog, for signals that Django itself sends.

Importing this module connects every receiver in it (that is what @receiver
does), so BlogConfig.ready() imports it, and nothing else needs to.

Each line logged starts with the signal's name, and the LOGGING set-up puts the
logger's name in front ("[blog.signals] user_logged_in ..."), so you can follow
the runserver terminal. Values are formatted with %r: quoted, and with line
breaks escaped, so user input cannot forge extra log lines.
"""

# --8<-- [start:imports]
import logging
import re
import reprlib
import threading
import unicodedata
from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.core.signals import request_finished, request_started
from django.db.models import Model
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_init,
    pre_save,
)
from django.dispatch import receiver
from django.utils.text import slugify

from .models import Comment, Post, Tag
from .other_signals import spam_words

logger = logging.getLogger(__name__)


# --8<-- [end:imports]
# --8<-- [start:short_repr]
# repr() with long strings cut short: a 10,000-character user name typed into
# the login form should not become a 10,000-character log line.
short_repr = reprlib.Repr()
short_repr.maxstring = 80
short_repr.maxother = 80
# --8<-- [end:short_repr]


# --8<-- [start:describe]
def describe(obj):
    """A short, safe description of a model instance or queryset for the log."""
    if isinstance(obj, Model):
        return f"{type(obj).__name__}(pk={obj.pk})"
    if obj is None:
        return "None"
    return f"QuerySet<{obj.model.__name__}>"
    # --8<-- [end:describe]


# Authentication signals (django.contrib.auth.signals) -------------------------


# --8<-- [start:auth]
@receiver(user_logged_in)
def report_logged_in(sender, request, user, **kwargs):
    logger.info(
        "user_logged_in sender=%s user=%r path=%r",
        sender.__name__,
        user.get_username(),
        request.path,
    )


@receiver(user_logged_out)
def report_logged_out(sender, request, user, **kwargs):
    # user is None when the visitor was not logged in to begin with.
    logger.info(
        "user_logged_out sender=%s user=%r path=%r",
        sender.__name__,
        user.get_username() if user else None,
        request.path,
    )


def loggable_credentials(credentials):
    """The credentials with a user name that names no account replaced.

    Someone who types their password into the user-name box would otherwise
    find it in the log.
    """
    field = get_user_model().USERNAME_FIELD
    username = credentials.get(field)
    if (
        username
        and not get_user_model()._default_manager.filter(**{field: username}).exists()
    ):
        return {**credentials, field: "<not an account>"}
    return credentials


@receiver(user_login_failed)
def report_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already cleansed `credentials`: the value of every key that
    # looks sensitive ("password", "token", "secret", ...) is replaced by stars.
    # request is None when authenticate() was called without one.
    logger.info(
        "user_login_failed sender=%r credentials=%s path=%r",
        sender,
        short_repr.repr(loggable_credentials(credentials)),
        request.path if request else None,
    )
    # --8<-- [end:auth]


# Model signals (django.db.models.signals) -------------------------------------


# --8<-- [start:unique_slug]
def unique_slug(post):
    """The post's title as a slug no other post has: "hello", "hello-2", ..."""
    base = slugify(post.title)[:180] or "post"
    slug, suffix = base, 2
    while Post.objects.filter(slug=slug).exclude(pk=post.pk).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug
    # --8<-- [end:unique_slug]


# --8<-- [start:fill_post_slug]
@receiver(pre_save, sender=Post)
def fill_post_slug(sender, instance, raw, **kwargs):
    # raw is True while `loaddata` saves fixtures: store them exactly as given.
    if raw:
        return
    filled = not instance.slug
    if filled:
        instance.slug = unique_slug(instance)
    logger.info(
        "pre_save Post slug=%r (%s)",
        instance.slug,
        "filled" if filled else "kept",
    )
    # --8<-- [end:fill_post_slug]


# --8<-- [start:hold_back_spam]
# Default-ignorable code points that are neither marks nor format characters:
# the Hangul fillers, drawn as blanks or as nothing, and the code points Unicode
# reserves as ignorable (DerivedCoreProperties.txt).
OTHER_IGNORABLES = re.compile(
    "[\u115f\u1160\u2065\u3164\uffa0\ufff0-\ufff8\U000e0000-\U000e0fff]"
)


def comparable(text):
    """``text`` as the spam check compares it, so that look-alikes match.

    NFKD turns full-width and other compatibility forms into plain letters and
    splits accents off them; casefold(), between two NFKDs as in Unicode's
    caseless matching, ignores case in every script. Then
    what does not change the letters on screen is dropped: combining marks
    (categories Mn, Me), format characters (Cf: zero-width spaces, soft
    hyphens) and the other ignorables. Any run of spaces, line breaks or
    punctuation becomes one space, so a phrase matches however its words are
    separated.
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Mn", "Me", "Cf") or OTHER_IGNORABLES.match(char):
            continue
        kept.append(" " if category[0] in "ZP" or category == "Cc" else char)
    # NFC puts Hangul syllables back together, so they match whole.
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))


@receiver(pre_save, sender=Comment)
def hold_back_spam(sender, instance, raw, **kwargs):
    # Only new comments are checked: a moderator who publishes a held-back
    # comment in the admin must not see it hidden again.
    if raw or not instance._state.adding:
        return
    body = comparable(instance.body)
    # spam_words(): BLOG_SPAM_WORDS lower-cased once (see blog/other_signals.py).
    words = {word: comparable(word) for word in spam_words()}
    # A word of punctuation only compares as "", which every body contains.
    found = [word for word, form in words.items() if form and form in body]
    if found:
        instance.is_public = False
    logger.info(
        "pre_save Comment is_public=%s%s",
        instance.is_public,
        f" (held back: contains {found[0]!r})" if found else "",
    )
    # --8<-- [end:hold_back_spam]


# --8<-- [start:report_saved]
@receiver(post_save, sender=Post)
@receiver(post_save, sender=Comment)
@receiver(post_save, sender=Tag)
def report_saved(sender, instance, created, raw, using, update_fields, **kwargs):
    logger.info(
        "post_save %s created=%s raw=%s using=%r update_fields=%s",
        describe(instance),
        created,
        raw,
        using,
        sorted(update_fields) if update_fields is not None else None,
    )
    # --8<-- [end:report_saved]


# --8<-- [start:delete]
@receiver(pre_delete, sender=Post)
@receiver(pre_delete, sender=Comment)
@receiver(pre_delete, sender=Tag)
def report_deleting(sender, instance, origin, using, **kwargs):
    # origin is what delete() was called on: this instance, a parent whose
    # deletion cascades here, or a queryset.
    logger.info("pre_delete %s origin=%s", describe(instance), describe(origin))


@receiver(post_delete, sender=Post)
@receiver(post_delete, sender=Comment)
@receiver(post_delete, sender=Tag)
def report_deleted(sender, instance, origin, using, **kwargs):
    logger.info("post_delete %s origin=%s", describe(instance), describe(origin))
    # --8<-- [end:delete]


# --8<-- [start:m2m]
@receiver(m2m_changed, sender=Post.tags.through)
def report_tags_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    # reverse is False for post.tags.add(tag) and True for tag.posts.add(post);
    # pk_set holds primary keys of `model`, and is None for pre_clear/post_clear.
    logger.info(
        "m2m_changed Post.tags action=%s instance=%s reverse=%s model=%s pk_set=%s",
        action,
        describe(instance),
        reverse,
        model.__name__,
        sorted(pk_set) if pk_set is not None else None,
    )
    # --8<-- [end:m2m]


# pre_init and post_init fire for every instance Django builds, one per row a
# query returns. One line each would bury everything else, so while a request
# is being handled they are counted, and request_finished logs the totals.

# --8<-- [start:init_counts]
_request_state = threading.local()


@receiver(request_started)
def start_counting_inits(sender, **kwargs):
    _request_state.init_counts = Counter()


def count_init(signal_name, sender):
    counts = getattr(_request_state, "init_counts", None)
    if counts is not None:
        counts[signal_name, sender.__name__] += 1


@receiver(pre_init, sender=Post)
@receiver(pre_init, sender=Comment)
@receiver(pre_init, sender=Tag)
def count_pre_init(sender, args, kwargs, **extra):
    count_init("pre_init", sender)


@receiver(post_init, sender=Post)
@receiver(post_init, sender=Comment)
@receiver(post_init, sender=Tag)
def count_post_init(sender, instance, **kwargs):
    count_init("post_init", sender)


@receiver(request_finished)
def report_init_counts(sender, **kwargs):
    counts = getattr(_request_state, "init_counts", None)
    _request_state.init_counts = None
    if not counts:
        return
    for signal_name in ("pre_init", "post_init"):
        per_model = ", ".join(
            f"{model}={count}"
            for (name, model), count in sorted(counts.items())
            if name == signal_name
        )
        logger.info("%s during this request: %s", signal_name, per_model)
    # --8<-- [end:init_counts]
