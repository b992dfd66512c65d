"""The public-data version: one row (id 1), created here at version 1."""

from typing import Any

from django.db import migrations, models
from django.utils import timezone


def create_row(apps: Any, schema_editor: Any) -> None:
    PublicVersion = apps.get_model("feeds", "PublicVersion")
    PublicVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"number": 1, "changed_at": timezone.now()}
    )


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="PublicVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.BigIntegerField(default=0, verbose_name="số phiên bản")),
                ("changed_at", models.DateTimeField(verbose_name="thay đổi lúc")),
            ],
            options={
                "verbose_name": "phiên bản dữ liệu công khai",
                "verbose_name_plural": "phiên bản dữ liệu công khai",
            },
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
