"""Records of sharing inside the statutory process were called consent but gated nothing:
they become sharing notices, row for row (the same ids and change stamps), with their fields
named for what they say. Consent to share outside the process gets its own table, and each
involvement says on which basis it gives access (ADR 0123)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_membership_advice_triage_role"),
        ("learners", "0004_audit_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="Consent", new_name="SharingNotice"),
        migrations.RenameField(model_name="sharingnotice", old_name="given_by", new_name="told"),
        migrations.RenameField(model_name="sharingnotice", old_name="given_on", new_name="told_on"),
        migrations.RenameField(
            model_name="sharingnotice", old_name="withdrawn_on", new_name="objected_on"
        ),
        migrations.AlterModelOptions(
            name="sharingnotice", options={"ordering": ["purpose", "-told_on"]}
        ),
        migrations.AddField(
            model_name="involvement",
            name="basis",
            field=models.CharField(
                choices=[
                    ("statutory", "Part of the statutory assessment or plan"),
                    ("consent", "On the family's consent, outside the statutory process"),
                ],
                default="statutory",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="sharingnotice",
            name="learner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sharing_notices",
                to="learners.learner",
            ),
        ),
        migrations.AlterField(
            model_name="sharingnotice",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("share_health", "Shared with health for the assessment and plan"),
                    ("share_social_care", "Shared with social care for the assessment and plan"),
                    ("share_settings", "Shared with settings consulted on the plan"),
                ],
                max_length=30,
            ),
        ),
        migrations.CreateModel(
            name="ConsentToShare",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("modified_at", models.DateTimeField(auto_now=True)),
                (
                    "given_by",
                    models.CharField(help_text="Parent, carer or the young person", max_length=100),
                ),
                ("given_on", models.DateField()),
                ("withdrawn_on", models.DateField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "learner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consents",
                        to="learners.learner",
                    ),
                ),
                (
                    "modified_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consents",
                        to="accounts.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["-given_on", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("withdrawn_on__isnull", True),
                            ("withdrawn_on__gte", models.F("given_on")),
                            _connector="OR",
                        ),
                        name="consent_withdrawn_after_given",
                    )
                ],
            },
        ),
    ]
