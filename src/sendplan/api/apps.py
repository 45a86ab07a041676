from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sendplan.api"
    verbose_name = "Open API"
