from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "lde.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships"
