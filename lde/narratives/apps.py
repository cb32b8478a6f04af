from django.apps import AppConfig


class NarrativesConfig(AppConfig):
    name = "lde.narratives"
    label = "narratives"
    verbose_name = "Local narratives"
