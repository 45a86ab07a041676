from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "sendplan.pathway"
    verbose_name = "Preparing for adulthood and the pathway to 25"
