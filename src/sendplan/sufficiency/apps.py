from django.apps import AppConfig


class SufficiencyConfig(AppConfig):
    name = "sendplan.sufficiency"
    verbose_name = "Sufficiency: demand, places and high-needs spend"
