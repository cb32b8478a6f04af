"""Actions are partnership content, so the Django admin registers none of this app's models."""
