from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "lde.sharing"
    label = "sharing"
    verbose_name = "Information sharing gateway"
