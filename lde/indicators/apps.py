from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "lde.indicators"
    label = "indicators"
    verbose_name = "Indicators"
