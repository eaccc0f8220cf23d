# --8<-- [start:imports]
import logging

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import class_prepared, post_migrate, pre_migrate

logger = logging.getLogger(__name__)

MODERATORS_GROUP = "Blog moderators"
MODERATOR_PERMISSIONS = ["view_comment", "change_comment", "delete_comment"]


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

        # migrate sends these once per app, with the app's AppConfig as sender:
        # filter on this very instance, connected again for each new one.
        # Methods of the config, so that a config a test throws away takes its
        # receivers with it (Django 5.2 would keep a function connected under
        # the dead config's id(), which a new object may reuse).
        pre_migrate.connect(self.report_migration_plan, sender=self)
        post_migrate.connect(self.create_moderators_group, sender=self)
        # --8<-- [end:config]

    def report_migration_plan(self, sender, app_config, using, plan, **kwargs):
        # plan lists every migration of the whole `migrate` run, all apps together.
        ours = [m for m, backwards in plan if m.app_label == app_config.label]
        logger.info(
            "pre_migrate app=%s using=%r migrations to run=%d",
            app_config.label,
            using,
            len(ours),
        )

    def create_moderators_group(
        self, sender, app_config, using, apps=global_apps, **kwargs
    ):
        # `apps` is the project's state after the migrations: use its models,
        # not the imported ones, which may be ahead of the database. `flush`
        # sends post_migrate without it (nor `plan`), hence the default.
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        group, created = Group.objects.using(using).get_or_create(name=MODERATORS_GROUP)
        permissions = Permission.objects.using(using).filter(
            content_type__app_label=app_config.label,
            codename__in=MODERATOR_PERMISSIONS,
        )
        group.permissions.add(*permissions)
        logger.info(
            "post_migrate group %r %s, %d permissions",
            MODERATORS_GROUP,
            "created" if created else "already there",
            group.permissions.count(),
        )

    def __init__(self, app_name, app_module):
        super().__init__(app_name, app_module)
        # class_prepared is sent as each model class is built, when models.py is
        # imported: after every AppConfig exists but before any ready() runs.
        # Connected in ready(), this receiver would miss blog's own models.
        from . import prepared

        class_prepared.connect(prepared.note_prepared, dispatch_uid="blog.prepared")
