from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sendplan.demo"
    verbose_name = "Demo partnership"
