"""The optimistic-lock column is called ``lock`` everywhere (never ``version``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("provision", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="setting", old_name="version", new_name="lock"),
    ]
