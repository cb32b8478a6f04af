"""Indicators: what a partnership measures, with baselines, targets and observations by period
and area, marked as input or outcome (¶164, ¶174–175)."""
