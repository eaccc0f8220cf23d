from django.apps import AppConfig


class WithoutSignalsConfig(AppConfig):
    """blog's slug filled without a signal: in save(), or by a service function.

    Chapter 1 shows both. The sample project itself keeps filling blog's slugs
    from a pre_save receiver (chapter 7), so nothing here is wired to it.
    """

    name = "without_signals"
    verbose_name = "Without signals: the slug in save() or in a service"
