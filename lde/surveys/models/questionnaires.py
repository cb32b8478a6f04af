"""Questionnaires, their questions, collections and answers (see lde/surveys/questionnaires)."""
