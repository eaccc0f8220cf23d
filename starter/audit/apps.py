from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self):
        # Imported here, not at the top of the file: ready() runs once every
        # app and model is loaded, so importing models is safe.
        from accounts.signals import login_succeeded

        from . import receivers

        login_succeeded.connect(receivers.record_login)
