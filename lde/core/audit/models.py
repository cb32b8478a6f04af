from __future__ import annotations

from django.db import models

from lde.core import limits
from lde.core.limits import limited_text


class AuditScope(models.TextChoices):
    SITE = "site", "Site"
    PARTNERSHIP = "partnership", "Partnership"
    ORGANISATION = "organisation", "Organisation"


class AuditEvent(models.Model):
    """One link of the append-only, hash-chained audit trail.

    `payload` is the canonical JSON text the hash was computed over. It is kept as text, not
    JSON, because PostgreSQL's jsonb reorders keys and a re-serialised value would no longer
    match its hash. Every other column but the links (the time included) repeats a field of the
    payload so the trail can be filtered and shown; `lde audit verify` checks that each still
    agrees with it.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    verb = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    scope = models.CharField(max_length=16, choices=AuditScope.choices)
    partnership_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    payload = limited_text(limits.SYSTEM_TEXT)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["partnership_id", "sequence"]),
            models.Index(fields=["scope", "sequence"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.verb}"


class AuditHead(models.Model):
    """The chain's head: one row, locked by every append so that concurrent writers queue."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.sequence}"
