from django.apps import AppConfig


class SufficiencyConfig(AppConfig):
    name = "sendplan.sufficiency"
    verbose_name = "Sufficiency: demand, places and high-needs spend"

    def ready(self) -> None:
        from sendplan.core.tasks import register_run_kind
        from sendplan.sufficiency.tasks import FORECAST

        register_run_kind(FORECAST)
