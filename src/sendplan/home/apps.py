from django.apps import AppConfig


class HomeConfig(AppConfig):
    """Each person's home page and the service navigation: the top of the app layers, the
    one place that knows every section (ADR 0118)."""

    name = "sendplan.home"
