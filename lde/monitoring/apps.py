from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "lde.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
