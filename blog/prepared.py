"""blog's receiver of class_prepared, the one connected before models are loaded.

This module must not import any model: BlogConfig.__init__ imports it, while
the app registry is still being filled.
"""

from django.apps import apps

# Labels of this app's models as Django finished building each class, in order.
PREPARED_MODELS = []


# --8<-- [start:note_prepared]
def note_prepared(sender, **kwargs):
    # Sent for the models of every app, and for the historical copies that
    # migrations build in registries of their own: keep this app's real models.
    if sender._meta.apps is not apps:
        return
    # The app this module belongs to, whatever its name or label. While models
    # are being built, every AppConfig exists, so the registry can answer.
    this_app = apps.get_containing_app_config(__name__)
    if sender._meta.app_label == this_app.label:
        PREPARED_MODELS.append(sender._meta.label)
    # --8<-- [end:note_prepared]
