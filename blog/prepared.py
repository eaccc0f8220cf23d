"""blog's receiver of class_prepared, the one connected before models are loaded.

This module must not import any model: BlogConfig.__init__ imports it, while
the app registry is still being filled.
"""

from django.apps import apps

# Labels of the project's models as Django finished building each class, in order.
PREPARED_MODELS = []


# --8<-- [start:note_prepared]
def note_prepared(sender, **kwargs):
    # Migrations build historical copies of the models in their own registry;
    # they send class_prepared too, so keep only the real classes.
    if sender._meta.app_label == "blog" and sender._meta.apps is apps:
        PREPARED_MODELS.append(sender._meta.label)
    # --8<-- [end:note_prepared]
