"""How a distribution's figures are written: in the unit of its scale (scores to a tenth of a
percentage point, money to the pound)."""

from __future__ import annotations

from django import template

from lde.rollups.distributions import Scale

register = template.Library()


@register.filter
def written(value: float, scale: Scale) -> str:
    return scale.write(value, places=1)
