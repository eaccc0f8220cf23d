"""Run the database backend's ``db_worker`` on a given SQLite file.

    python -m bench.worker PATH/TO/db.sqlite3 [db_worker options]

Started by bench.throwaway.start_worker(), for ``signal_bench`` and the tests:
the settings of the process that starts it (DJANGO_SETTINGS_MODULE, which
manage.py and pytest-django set), with the database file and the task backend
swapped. Nothing here names this project: with throwaway.py, it works in any
project that has django-tasks-db installed.
"""

import logging
import sys

import django
from django.core.management import call_command


def main(database_path, *worker_options):
    from django.conf import settings

    from .throwaway import SQLITE_OPTIONS

    # Settings are read once, here; no connection exists before django.setup().
    database = settings.DATABASES["default"]
    database["NAME"] = database_path
    database["OPTIONS"] = {**database.get("OPTIONS", {}), **SQLITE_OPTIONS}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    django.setup()
    # start_worker() waits for db_worker's "Starting worker" line. db_worker adds
    # a handler to its logger only when none is reachable, and a root handler
    # (which may well filter the line out) counts as one: so one of its own here.
    worker_logger = logging.getLogger("django_tasks_db")
    if not worker_logger.handlers:
        worker_logger.addHandler(logging.StreamHandler(sys.stdout))
        worker_logger.propagate = False
    call_command("db_worker", *worker_options)


if __name__ == "__main__":
    main(*sys.argv[1:])
