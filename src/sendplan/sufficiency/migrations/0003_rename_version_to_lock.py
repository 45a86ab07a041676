"""The optimistic-lock column is called ``lock`` everywhere (never ``version``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("sufficiency", "0002_queue")]

    operations = [
        migrations.RenameField(model_name="assumptions", old_name="version", new_name="lock"),
        migrations.RenameField(model_name="historicalassumptions", old_name="version", new_name="lock"),
    ]
