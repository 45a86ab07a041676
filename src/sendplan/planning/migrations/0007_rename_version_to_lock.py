"""The optimistic-lock column is called ``lock`` everywhere (never ``version``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("planning", "0006_queue")]

    operations = [
        migrations.RenameField(model_name="areaplanningsettings", old_name="version", new_name="lock"),
        migrations.RenameField(model_name="historicalareaplanningsettings", old_name="version", new_name="lock"),
    ]
