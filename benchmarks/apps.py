from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Installed only so that `lde bench` is a management command. The benchmarks sit above
    every app (they generate and measure all of them), and no app imports them."""

    name = "benchmarks"
    label = "benchmarks"
    verbose_name = "Benchmarks"
