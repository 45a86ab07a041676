"""Index the learners in inputs stored before the index existed, and take out learners whose
records were deleted since their run (the gap ADR 0108 named). One blob at a time.

The blobs are format 1 and read with ``snapshot``'s helpers: a later format must keep reading
format 1 (as ``load_inputs`` must, for old runs) or freeze a copy of them here."""

from django.db import migrations

from sendplan.planning.snapshot import learner_ids, without_learners

CHUNK = 900


def index_and_erase(apps, schema_editor):
    Inputs = apps.get_model("planning", "PlanningRunInputs")
    Indexed = apps.get_model("planning", "PlanningRunInputsLearner")
    Learner = apps.get_model("learners", "Learner")
    for pk in Inputs.objects.order_by("pk").values_list("pk", flat=True):
        stored = Inputs.objects.get(pk=pk)
        held = sorted(set(learner_ids(stored.data)))
        alive = set()
        for start in range(0, len(held), CHUNK):
            chunk = held[start : start + CHUNK]
            alive.update(Learner.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        gone = set(held) - alive
        if gone:
            stored.data, removed = without_learners(stored.data, gone)
            stored.learners = max(stored.learners - removed, 0)
            stored.learners_erased += removed
            stored.save(update_fields=["data", "learners", "learners_erased"])
        Indexed.objects.filter(inputs_id=pk).delete()
        Indexed.objects.bulk_create(
            [Indexed(inputs_id=pk, learner_id=x) for x in sorted(alive)], batch_size=500
        )


class Migration(migrations.Migration):

    dependencies = [
        ("learners", "0002_list_order_index"),
        ("planning", "0004_run_inputs_learner_index"),
    ]

    operations = [
        # Backwards: nothing to undo (0004's reversal drops the index; erased rows stay out).
        migrations.RunPython(index_and_erase, migrations.RunPython.noop),
    ]
