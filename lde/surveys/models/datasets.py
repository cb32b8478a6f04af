"""Public survey data sets uploaded with their design (see lde/surveys/datasets)."""
