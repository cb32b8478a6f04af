"""Questionnaires answered before and after a project, public survey data sets with their
design, and design-based estimates from both (¶165, ¶175)."""
