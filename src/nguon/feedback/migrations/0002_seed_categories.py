"""Start every installation with the default feedback categories (feedback/seed.py)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from nguon.feedback.seed import CATEGORIES

    category = apps.get_model("feedback", "FeedbackCategory")
    for position, (code, name, group, days, keywords) in enumerate(CATEGORIES):
        category.objects.get_or_create(
            code=code,
            defaults={"name": name, "group": group, "deadline_days": days, "keywords": keywords, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
