"""Settings for the "Django Signals, by example" sample project.

Local development needs no configuration. For anything else, set:

- ``DJANGO_DEBUG``: ``1`` (default) or ``0``.
- ``DJANGO_SECRET_KEY``: required when debug is off.
- ``DJANGO_ALLOWED_HOSTS``: comma-separated host names, e.g. ``example.com,www.example.com``;
  needed when debug is off (``check --deploy`` reports security.W020 without it).
- ``DJANGO_HSTS_SECONDS``: how long browsers keep to HTTPS, when debug is off (3600).
- ``DJANGO_TASKS_BACKEND``: ``immediate`` (default) or ``database`` (with ``make worker``).
- ``NOTIFY_DELIVERY``: how notify's slow receivers run: ``task`` (default),
  ``on_commit`` or ``sync``.
- ``DJANGO_DB_PATH``, ``DJANGO_TUTORIAL_SITE_DIR``: another database file and tutorial
  build (the browser tests and ``make run-django6`` use them).

The groups below: the project; apps and middleware; database; authentication and
the lockout; the demo's own settings; logging; the debug toolbar; tasks; production.
"""

# Each block of the tutorial shows the imports it needs, one section per line.
# --8<-- [start:import_os]
import os

# --8<-- [end:import_os]
# --8<-- [start:import_sys]
import sys

# --8<-- [end:import_sys]
# --8<-- [start:import_timedelta]
from datetime import timedelta

# --8<-- [end:import_timedelta]
from pathlib import Path

# --8<-- [start:import_improperly_configured]
from django.core.exceptions import ImproperlyConfigured

# --8<-- [end:import_improperly_configured]
# --8<-- [start:logging_imports]
from django.utils.log import DEFAULT_LOGGING

# --8<-- [end:logging_imports]
# --8<-- [start:tasks_imports]
# django.tasks, or on Django 5.2 the django-tasks backport.
from tutorial_site import tasks_framework

# --8<-- [end:tasks_imports]
from tutorial_site.development_secret_key import development_secret_key

# --- The project: where it lives, debug, secret key, hosts --------------------------
BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1").lower() in {"1", "true", "yes", "on"}

# So that `make run` works with no set-up, debug without DJANGO_SECRET_KEY uses a
# key made for this checkout, kept in a git-ignored file: one written here would be
# public, and sign anything (tutorial_site/development_secret_key.py).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY")
if not SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a real secret when DJANGO_DEBUG is off."
    )
if not SECRET_KEY:
    SECRET_KEY = development_secret_key(BASE_DIR / ".development-secret-key")

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")
    if host.strip()
]


# --- Apps and middleware: what the tutorial's chapters are about --------------------
INSTALLED_APPS = [
    # The project itself, for its `runserver` (tutorial_site/management/commands/):
    # listed before django.contrib.staticfiles, whose command of that name it replaces.
    "tutorial_site",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The three apps of the tutorial. foo sends a signal, bar listens to it,
    # blog listens to Django's own signals.
    "foo",
    "bar",
    "blog",
    # Counts failed logins and refuses a user name after too many (chapter 9).
    "lockout",
    # Chapter 1: blog's slug filled without a signal, in save() or in a service.
    "without_signals",
    # `manage.py signal_bench`, which times the receivers of chapter 10.
    "bench",
]
# --8<-- [start:tasks_apps]
# The Tasks framework, an app on Django 5.2 (the django-tasks backport) and none
# on Django 6 (django.tasks); its database backend, with the `db_worker`
# command; and notify, whose receivers hand their slow work to tasks.
INSTALLED_APPS += [*tasks_framework.APPS, "django_tasks_db", "notify"]
# --8<-- [end:tasks_apps]

# --8<-- [start:middleware]
# A request whose body or parameters Django cannot read (a Content-Length of "abc",
# a charset such as zlib, a form in Latin-1) gets a 400 that says why, before
# anything reads it: reading raises, and a 500 followed (tutorial_site/middleware.py).
REFUSE_UNREADABLE_REQUESTS = (
    "tutorial_site.middleware.RefuseUnreadableRequestsMiddleware"
)
MIDDLEWARE = [
    REFUSE_UNREADABLE_REQUESTS,
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# --8<-- [end:middleware]

ROOT_URLCONF = "tutorial_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide templates (the base layout); each app keeps its own
        # under <app>/templates/<app>/.
        "DIRS": [BASE_DIR / "tutorial_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "tutorial_site.wsgi.application"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Database: SQLite, set up for a server that writes from several threads ---------
# --8<-- [start:sqlite_options]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        # WAL lets readers carry on while one connection writes; IMMEDIATE takes
        # the write lock when a transaction starts, so two writers queue up
        # (for up to "timeout" seconds) instead of failing with "database is
        # locked" halfway through. The tutorial's "Hardening" page explains why.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
}
# --8<-- [end:sqlite_options]
# The browser tests and `make run-django6` give the server a database of its own.
if os.environ.get("DJANGO_DB_PATH"):
    DATABASES["default"]["NAME"] = Path(os.environ["DJANGO_DB_PATH"])


# --- Authentication and the lockout: foo's login page, counted attempts -------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# foo's login view is the project's login page, so @login_required sends people there.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "blog:post_list"
LOGOUT_REDIRECT_URL = "blog:post_list"

# --8<-- [start:lockout_settings]
# Django's ModelBackend, plus: every login attempt is counted before its
# password is checked, and refused unchecked once a limit is reached.
AUTHENTICATION_BACKENDS = ["lockout.backends.LockoutBackend"]
# At most LOGIN_LOCKOUT_LIMIT wrong passwords are checked for one user name from
# one client address, and LOGIN_LOCKOUT_NAME_LIMIT from all addresses together,
# each attempt less than LOGIN_LOCKOUT_WINDOW after the one before. Then that
# name is refused (from that address, or from all) until LOGIN_LOCKOUT_WINDOW
# has passed since the last attempt let through. A right password clears the
# count of its address.
LOGIN_LOCKOUT_LIMIT = 5
LOGIN_LOCKOUT_NAME_LIMIT = 20
LOGIN_LOCKOUT_WINDOW = timedelta(minutes=15)
# --8<-- [end:lockout_settings]


# --- The demo's own settings: spam words, notify's delivery, the tutorial build -----
# --8<-- [start:spam_words]
# blog's pre_save receiver holds back a comment that contains any of these words.
BLOG_SPAM_WORDS = ["casino", "viagra", "crypto giveaway"]
# --8<-- [end:spam_words]

# --8<-- [start:notify]
# notify's receivers hand their slow work (a 50 ms sleep standing in for sending an
# email) to notify.tasks. NOTIFY_DELIVERY decides how:
#   "task"      enqueue it once the transaction commits (the default); with the
#               database backend and a worker, the request no longer waits;
#   "on_commit" run it once the transaction commits, still inside the request;
#   "sync"      run it right inside the receiver, as most tutorials do.
NOTIFY_DELIVERY = os.environ.get("NOTIFY_DELIVERY", "task")
NOTIFY_EMAIL_SECONDS = 0.05
# --8<-- [end:notify]

# Where `make run` builds the tutorial; served at /tutorial/ while DEBUG is on.
# The browser tests build one of their own.
TUTORIAL_SITE_DIR = Path(
    os.environ.get("DJANGO_TUTORIAL_SITE_DIR") or BASE_DIR / "site"
)


# --- Logging: every receiver's line in the runserver terminal -----------------------
# --8<-- [start:logging]
# Receivers report through the logging module, not print(): a log line can be
# silenced, filtered or sent elsewhere, and a test can read it (pytest's caplog).
# Each module logs to logging.getLogger(__name__), so every logger of every app
# reaches the root logger, which prints "[blog.signals] user_logged_in ...": the
# name in brackets says which module logged the line, whatever your apps are called.
# Django's loggers (and django_tasks') already have handlers of their own, so
# they are left out here rather than printed twice.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "not_django": {
            "()": "django.utils.log.CallbackFilter",
            "callback": lambda record: not record.name.startswith("django"),
        },
        # Control characters that visitors send (ESC, CR, ...) are printed as
        # escapes, so they cannot recolour the terminal or fake a line in it.
        "escape_controls": {
            "()": "tutorial_site.logging_filters.EscapeControlCharacters",
        },
    },
    "formatters": {
        "module": {"format": "[{name}] {message}", "style": "{"},
    },
    "handlers": {
        "apps_console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["not_django", "escape_controls"],
            "formatter": "module",
        },
    },
    "root": {"handlers": ["apps_console"], "level": "INFO"},
}
# --8<-- [end:logging]

# --8<-- [start:dispatch_logging]
# send_robust() logs a receiver's exception, with its traceback, to
# "django.dispatch". Without a handler of its own, Django sends it only to the
# console while DEBUG is on (and to ADMINS by mail otherwise): here it always
# reaches stderr, so a failing receiver is never silent.
LOGGING["formatters"]["with_level"] = {"format": "%(levelname)s %(name)s %(message)s"}
LOGGING["handlers"]["errors_console"] = {
    "class": "logging.StreamHandler",
    "stream": "ext://sys.stderr",
    "formatter": "with_level",
}
LOGGING.setdefault("loggers", {})["django.dispatch"] = {
    "handlers": ["errors_console"],
    "level": "ERROR",
    "propagate": False,
}
# --8<-- [end:dispatch_logging]
# The task worker's own lines are set up with the tasks below, and the last
# section of this file escapes control characters in every terminal handler.


# --- The debug toolbar: a development tool, with our "Signals sent" panel -----------
# --8<-- [start:toolbar-settings]
# signal_watch holds the "Signals sent" panel and the `signalmap` command.
INSTALLED_APPS += ["signal_watch"]
# The toolbar is switched on only with DEBUG, and never while tests run
# (debug-toolbar's own advice; a test that wants it turns it on with
# override_settings). pytest sets PYTEST_VERSION for its whole run.
TESTING = "test" in sys.argv[1:2] or "PYTEST_VERSION" in os.environ
if DEBUG and not TESTING:
    INSTALLED_APPS += ["debug_toolbar"]
    # Right after REFUSE_UNREADABLE_REQUESTS, whose requests would make its panels
    # raise, and before the rest, so that it sees (and times) all they do.
    MIDDLEWARE.insert(
        MIDDLEWARE.index(REFUSE_UNREADABLE_REQUESTS) + 1,
        "debug_toolbar.middleware.DebugToolbarMiddleware",
    )
# The toolbar shows itself only to these addresses (runserver on loopback).
INTERNAL_IPS = ["127.0.0.1", "::1"]
# debug-toolbar's default panels, with ours added after its Signals panel. The
# five that show what a request carried come from tutorial_site/toolbar_panels.py:
# the toolbar's own, with passwords, session keys, CSRF tokens, hashes and
# typed user names masked.
DEBUG_TOOLBAR_PANELS = [
    "tutorial_site.toolbar_panels.HistoryPanel",
    "debug_toolbar.panels.versions.VersionsPanel",
    "debug_toolbar.panels.timer.TimerPanel",
    "debug_toolbar.panels.settings.SettingsPanel",
    "tutorial_site.toolbar_panels.HeadersPanel",
    "tutorial_site.toolbar_panels.RequestPanel",
    "tutorial_site.toolbar_panels.SQLPanel",
    "debug_toolbar.panels.staticfiles.StaticFilesPanel",
    # The toolbar's Templates panel, deaf to other requests' renders and masked.
    "tutorial_site.toolbar_panels.TemplatesPanel",
    "debug_toolbar.panels.alerts.AlertsPanel",
    "debug_toolbar.panels.cache.CachePanel",
    "debug_toolbar.panels.signals.SignalsPanel",
    # Ours: every signal sent while the request was handled, in order.
    "signal_watch.panels.SignalsSentPanel",
    "debug_toolbar.panels.tasks.TasksPanel",
    "debug_toolbar.panels.community.CommunityPanel",
    "debug_toolbar.panels.redirects.RedirectsPanel",
    "debug_toolbar.panels.profiling.ProfilingPanel",
]
DEBUG_TOOLBAR_CONFIG = {
    # The default rule (DEBUG and an INTERNAL_IPS address), minus the tutorial.
    "SHOW_TOOLBAR_CALLBACK": "tutorial_site.toolbar.show_toolbar",
    # The built-in Signals panel lists only Django's core and model signals.
    "EXTRA_SIGNALS": [
        "foo.signals.user_login",
        "django.contrib.auth.signals.user_logged_in",
        "django.contrib.auth.signals.user_logged_out",
        "django.contrib.auth.signals.user_login_failed",
    ],
}
# --8<-- [end:toolbar-settings]
# The task signals too, from wherever this Django's Tasks framework defines them.
DEBUG_TOOLBAR_CONFIG["EXTRA_SIGNALS"] += tasks_framework.SIGNALS


# --- Tasks: where notify's slow work runs --------------------------------------------
# --8<-- [start:tasks]
# "immediate" (default) runs a task in the process that enqueues it, so `make run`
# needs nothing more. "database" stores it for a separate worker process:
# DJANGO_TASKS_BACKEND=database make run, and `make worker` in a second terminal.
TASKS_BACKENDS = {
    "immediate": tasks_framework.IMMEDIATE_BACKEND,
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = os.environ.get("DJANGO_TASKS_BACKEND", "immediate")
if _tasks_backend not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"DJANGO_TASKS_BACKEND must be one of {sorted(TASKS_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[_tasks_backend]}}
# `db_worker` prints the tasks it runs through a handler it adds to its loggers,
# but only when none is configured, and the root handler counts as one (while
# leaving out loggers named django...). So they get a console of their own. At
# WARNING for runserver, where tasks run inside requests; db_worker turns its
# loggers up to INFO. The framework's logger is "django.tasks" from Django 6.0,
# "django_tasks" for the backport on 5.2.
LOGGING["handlers"]["worker_console"] = {
    "class": "logging.StreamHandler",
    "stream": "ext://sys.stdout",
}
LOGGING.setdefault("loggers", {}).update(
    {
        name: {"handlers": ["worker_console"], "level": "WARNING", "propagate": False}
        for name in (tasks_framework.LOGGER, "django_tasks_db")
    }
)
# --8<-- [end:tasks]


# --- Production: HTTPS only, with debug off ------------------------------------------
# Only with debug off, so `make run` keeps working over plain http://127.0.0.1.
# With DJANGO_ALLOWED_HOSTS set, `python manage.py check --deploy` reports no issue
# (tests/test_settings.py).
if not DEBUG:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Start short: a browser remembers HSTS for this long, a mistake included.
    _hsts_seconds = os.environ.get("DJANGO_HSTS_SECONDS", "3600")
    try:
        SECURE_HSTS_SECONDS = int(_hsts_seconds)
    except ValueError:
        SECURE_HSTS_SECONDS = -1
    if SECURE_HSTS_SECONDS < 0:
        raise ImproperlyConfigured(
            "DJANGO_HSTS_SECONDS must be a whole number of seconds (0 or more), "
            f"not {_hsts_seconds!r}."
        )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only a header flag: nothing is preloaded until you submit the domain at
    # hstspreload.org, which also requires a max-age of a year.
    SECURE_HSTS_PRELOAD = True


# --- The terminal: every handler escapes control characters --------------------------
# Last, so that it reaches the handlers every group above added.
# --8<-- [start:escape_everywhere]
# runserver's line for each request, and while DEBUG is on the errors of
# django.request and its siblings, come from the handlers that Django defines in
# DEFAULT_LOGGING. They are defined here again, as Django has them, and every
# handler that writes to the terminal gets the escape_controls filter: Django 5.2
# prints a request line as it was received.
for section in ("filters", "formatters", "handlers", "loggers"):
    LOGGING[section] = {**DEFAULT_LOGGING[section], **LOGGING.get(section, {})}
for name, handler in LOGGING["handlers"].items():
    filters = handler.get("filters", [])
    if handler["class"] == "logging.StreamHandler" and "escape_controls" not in filters:
        LOGGING["handlers"][name] = {
            **handler,
            "filters": [*filters, "escape_controls"],
        }
# --8<-- [end:escape_everywhere]
