"""The throttle's request count per caller (ApiRequestWindow), for caches that cannot count."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ApiRequestWindow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200, unique=True)),
                ("count", models.PositiveIntegerField(default=0)),
                ("ends", models.DateTimeField()),
            ],
            options={
                "verbose_name": "API request window",
            },
        ),
    ]
