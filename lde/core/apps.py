from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lde.core"
    label = "core"
    verbose_name = "Core"
