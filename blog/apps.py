# --8<-- [start:imports]
from django.apps import AppConfig
from django.db.models.signals import class_prepared, post_migrate, pre_migrate


# --8<-- [end:imports]
# --8<-- [start:config]
class BlogConfig(AppConfig):
    """Receivers for Django's built-in auth, model and request signals."""

    name = "blog"
    verbose_name = "Blog: listens to Django's signals"

    def ready(self):
        # Importing the modules runs their @receiver decorators, which connect
        # the receivers: here, and nowhere else, it always happens, and only
        # once the models are loaded. ready() runs again, on a new BlogConfig,
        # when a test changes INSTALLED_APPS; importing again does nothing.
        from . import other_signals, signals  # noqa: F401

        # migrate sends these once per app, with the app's AppConfig as sender.
        # Filter on this very instance, connected for each new one: a config
        # looked up once and kept would stop matching after such a test.
        pre_migrate.connect(other_signals.report_migration_plan, sender=self)
        post_migrate.connect(other_signals.create_moderators_group, sender=self)
        # --8<-- [end:config]

    def __init__(self, app_name, app_module):
        super().__init__(app_name, app_module)
        # class_prepared is sent as each model class is built, when models.py is
        # imported: after every AppConfig exists but before any ready() runs.
        # Connected in ready(), this receiver would miss blog's own models.
        from . import prepared

        class_prepared.connect(prepared.note_prepared, dispatch_uid="blog.prepared")
