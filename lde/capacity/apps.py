from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "lde.capacity"
    label = "capacity"
    verbose_name = "Partnership capacity"
