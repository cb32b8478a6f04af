from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "lde.surveys"
    label = "surveys"
    verbose_name = "Questionnaires and surveys"
