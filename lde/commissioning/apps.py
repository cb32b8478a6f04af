from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "lde.commissioning"
    label = "commissioning"
    verbose_name = "Commissioning"
