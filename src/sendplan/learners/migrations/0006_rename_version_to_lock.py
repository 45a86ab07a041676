"""The optimistic-lock column is called ``lock`` everywhere (never ``version``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("learners", "0005_sharing_notices_and_consent_to_share")]

    operations = [
        migrations.RenameField(model_name="learner", old_name="version", new_name="lock"),
        migrations.RenameField(model_name="historicallearner", old_name="version", new_name="lock"),
    ]
