"""Load the essential-information categories, the QĐ 52/2016 mapping and the workflow policies."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def load(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from nguon.content.seed import CATEGORIES, LEGACY_CATEGORIES, POLICIES

    category_model = apps.get_model("content", "Category")
    legacy_model = apps.get_model("content", "LegacyCategory")
    policy_model = apps.get_model("content", "WorkflowPolicy")
    for order, (code, name, group) in enumerate(CATEGORIES, start=1):
        category_model.objects.get_or_create(code=code, defaults={"name": name, "group": group, "sort_order": order})
    for code, name, target in LEGACY_CATEGORIES:
        legacy_model.objects.get_or_create(
            code=code, defaults={"name": name, "category": category_model.objects.get(code=target)}
        )
    for level, appraisal, at_province in POLICIES:
        policy_model.objects.get_or_create(
            source_level=level, defaults={"requires_appraisal": appraisal, "approve_at_province": at_province}
        )


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
