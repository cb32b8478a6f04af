from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "lde.inspections"
    label = "inspections"
    verbose_name = "Inspection programmes"
