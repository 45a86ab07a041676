from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "sendplan.planning"
