from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lde.api"
    label = "api"
    verbose_name = "API"
