from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # Importing the module runs its @receiver decorators, which connect the
        # receivers: here, once, after every app's models are loaded.
        from . import receivers  # noqa: F401
