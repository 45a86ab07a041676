"""The optimistic-lock column is called ``lock`` everywhere (never ``version``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("learners", "0004_audit_append_only")]

    operations = [
        migrations.RenameField(model_name="learner", old_name="version", new_name="lock"),
        migrations.RenameField(model_name="historicallearner", old_name="version", new_name="lock"),
    ]
