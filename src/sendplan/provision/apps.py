from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "sendplan.provision"
    verbose_name = "Register of places"
