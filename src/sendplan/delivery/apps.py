from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "sendplan.delivery"
    verbose_name = "Provision delivered, row by row"

    def ready(self) -> None:
        from sendplan.casework.plans.services import register_issue_follower
        from sendplan.delivery import panels
        from sendplan.delivery.services import commitments_follow_issue

        register_issue_follower(commitments_follow_issue)
        panels.register()
