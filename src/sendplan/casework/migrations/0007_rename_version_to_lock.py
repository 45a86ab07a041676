"""The optimistic-lock column is called ``lock`` everywhere (never ``version``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("casework", "0006_advice_request_assignment")]

    operations = [
        migrations.RenameField(model_name="case", old_name="version", new_name="lock"),
        migrations.RenameField(model_name="historicalcase", old_name="version", new_name="lock"),
    ]
