from django.apps import AppConfig
from django.db.models.signals import post_delete


class PlanningConfig(AppConfig):
    name = "sendplan.planning"

    def ready(self) -> None:
        from sendplan.core.tasks import register_run_kind
        from sendplan.learners.models import Learner
        from sendplan.planning.retention import learner_deleted
        from sendplan.planning.tasks import PLANNING

        register_run_kind(PLANNING)

        # Deleting a learner's record takes them out of runs' stored inputs too, in the same
        # transaction (ADR 0108). post_delete, not pre_delete: by then the learner's row is
        # deleted and locked, so a run storing its inputs at the same moment either stored
        # them first (and this finds them) or waited and left the learner out (runs.py).
        post_delete.connect(learner_deleted, sender=Learner, dispatch_uid="planning-erasure")
