"""The running-order editor shared by the programme and occurrence screens: formset rows become
:class:`ItemInput` lines (uploading audio inside the caller's transaction) and the service's item errors go
back next to their row."""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import ExitStack
from typing import Any

from django.forms import Form
from django.utils.translation import gettext as _

from nguon.content.files import RejectedFileError
from nguon.radio.choices import ItemKind
from nguon.radio.forms.programmes import BaseItemFormSet
from nguon.radio.models import RunningOrderItem
from nguon.radio.services.programmes import ItemInput
from nguon.radio.services.settings import stored_audio
from nguon.units.models import AdministrativeUnit

_ROW = re.compile(r"^Mục (\d+): ")


class UploadRefusedError(Exception):
    """An uploaded file was refused; the message is on its row already."""


def kept_forms(formset: BaseItemFormSet) -> list[Form]:
    return [f for f in formset.ordered_forms if f.cleaned_data.get("kind")]


def known_files(items: Iterable[RunningOrderItem]) -> set[str]:
    """The audio files a page's rows may keep without a new upload: those its running order has already."""
    return {i.blob.sha256 for i in items if i.blob is not None}


def item_inputs(
    *, actor: Any, unit: AdministrativeUnit, formset: BaseItemFormSet, stack: ExitStack, known: set[str]
) -> list[ItemInput]:
    """The kept rows in order as service input. Uploaded files are stored through ``stack`` (they vanish
    again if the caller's block fails); a refused file raises :class:`UploadRefusedError`. A row may keep
    a file only if it is in ``known`` (so a posted hash cannot reach someone else's file)."""
    lines = []
    for form in kept_forms(formset):
        data = form.cleaned_data
        kind = data["kind"]
        sha256 = data.get("blob") or ""
        audio_line = kind in (ItemKind.AUDIO, ItemKind.JINGLE)
        if audio_line and not data.get("audio") and sha256 not in known:
            form.add_error("audio", _("Chọn tệp âm thanh để tải lên."))
            raise UploadRefusedError
        if audio_line and data.get("audio"):
            try:
                blob = stack.enter_context(stored_audio(actor=actor, unit=unit, upload=data["audio"]))
            except RejectedFileError as error:
                form.add_error("audio", error.message)
                raise UploadRefusedError from error
            sha256 = blob.sha256
        minutes = data.get("minutes")
        seconds = data.get("seconds")
        duration = minutes * 60 if kind == ItemKind.RELAY and minutes else seconds
        lines.append(
            ItemInput(
                kind=kind,
                title=data.get("title") or "",
                bulletin_id=data.get("bulletin") if kind == ItemKind.BULLETIN else None,
                blob_sha256=sha256 if kind in (ItemKind.AUDIO, ItemKind.JINGLE) else "",
                stream_url=(data.get("stream_url") or "") if kind == ItemKind.RELAY else "",
                duration_seconds=duration if kind in (ItemKind.RELAY, ItemKind.SILENCE) else None,
            )
        )
    return lines


def place_item_errors(formset: BaseItemFormSet, messages: list[str]) -> list[str]:
    """Attach "Mục N: …" messages to row N; returns the messages about the running order as a whole."""
    rows = kept_forms(formset)
    general = []
    for message in messages:
        found = _ROW.match(message)
        index = int(found.group(1)) - 1 if found else -1
        if 0 <= index < len(rows):
            rows[index].add_error(None, message)
        else:
            general.append(message)
    return general
