from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What several apps share; it imports no app of the project."""

    name = "core"
    verbose_name = "Core"
