from __future__ import annotations

from django.db import models


class BaseModel(models.Model):
    """Created and updated times on every row; nothing more, so that it costs nothing to use."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
