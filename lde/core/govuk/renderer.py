"""Django's own form renderer, pointed at GOV.UK field templates that the project owns.

Every form renders `{{ form }}` or `{{ field.as_field_group }}` and gets GOV.UK markup: label,
hint, error message and the field with its error class, without a third-party form library.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"
