from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "lde.programme"
    label = "programme"
    verbose_name = "Programme"
