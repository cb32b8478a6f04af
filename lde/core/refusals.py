"""What a service raises when it will not do what it was asked.

A refusal is Django's `ValidationError`, so that forms show it beside the field it names and the
API answers it once, as 400 with the messages by field. `Conflict` is the refusal of something
that already exists or has already happened (a role held twice, a second new version): the API
answers it 409, the pages exactly as any other refusal.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """The request would repeat what the records already hold."""
