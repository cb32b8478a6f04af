from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "lde.frameworks"
    label = "frameworks"
    verbose_name = "Frameworks"
