"""The three espeak-ng Vietnamese voices every installation has."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

VOICES = [
    ("espeak-vi-bac", "Giọng Bắc (espeak-ng)", "vi", "northern", 1),
    ("espeak-vi-trung", "Giọng Trung (espeak-ng)", "vi-vn-x-central", "northern", 2),
    ("espeak-vi-nam", "Giọng Nam (espeak-ng)", "vi-vn-x-south", "southern", 3),
]


def add_voices(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    voice = apps.get_model("speech", "Voice")
    for code, label, engine_voice, style, order in VOICES:
        voice.objects.get_or_create(
            code=code,
            defaults={"label": label, "engine": "espeak", "engine_voice": engine_voice, "reading_style": style,
                      "sort_order": order},
        )


def remove_voices(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("speech", "Voice").objects.filter(code__in=[v[0] for v in VOICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("speech", "0001_initial")]

    operations = [migrations.RunPython(add_voices, remove_voices)]
