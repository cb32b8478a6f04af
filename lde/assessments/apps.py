from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "lde.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        # Registers how the audit trail names criterion responses ("criterion 2.3").
        from lde.assessments import audit_labels  # noqa: F401
