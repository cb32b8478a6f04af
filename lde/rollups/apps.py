from django.apps import AppConfig


class RollupsConfig(AppConfig):
    name = "lde.rollups"
    label = "rollups"
    verbose_name = "Figures across partnerships"
