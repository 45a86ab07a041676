from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "sendplan.pathway"
    verbose_name = "Preparing for adulthood and the pathway to 25"

    def ready(self) -> None:
        from sendplan.pathway import panels

        panels.register()
