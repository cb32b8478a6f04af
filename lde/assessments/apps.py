from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "lde.assessments"
    label = "assessments"
    verbose_name = "Assessments"
