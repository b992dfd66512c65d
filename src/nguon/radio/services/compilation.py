"""Compilation of a commune's schedule into device manifests.

For every speaker cluster of the commune, the scheduled airings of the next ``horizon_days`` that reach it
are laid out by :mod:`nguon.radio.planning` (TT39 priority bulletins first, then the running order, the
rest of each slot filled with the station's fallback audio) and become the device's manifest through
:func:`nguon.devices.services.manifests.set_manifest` — a new version and a signed ``manifest-changed``
only where something changed. Each run leaves a :class:`CompilationReport` with plain warnings in
Vietnamese. See docs/radio.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from math import ceil
from typing import Any

from django.db import transaction
from django.utils import timezone

from nguon.content.models import Bulletin, MediaBlob
from nguon.content.services import renditions
from nguon.core import access, audit
from nguon.devices.models import Device, DeviceManifest, DeviceState
from nguon.devices.protocol.manifests import MAX_ITEMS
from nguon.devices.protocol.timestamps import parse_ts
from nguon.devices.services.manifests import ManifestItem, set_manifest
from nguon.radio import compile_warnings as wording
from nguon.radio import planning
from nguon.radio.choices import ItemKind, TargetKind
from nguon.radio.models import CompilationReport, Occurrence, Programme, RunningOrderItem
from nguon.radio.selectors import compilation as selectors
from nguon.radio.selectors.bulletins import accepted_priority_entries, airable_bulletins
from nguon.radio.services.programmes import materialise_unit, settings_for, tz
from nguon.units.models import AdministrativeUnit

RADIO = access.SystemActor("radio")
#: ``ManifestItem`` can carry a stream (relay items) once the live/relay work is in.
RELAY_SUPPORTED = "stream_url" in {f.name for f in fields(ManifestItem)}
FALLBACK_TITLE = "Âm thanh dự phòng"
MB = 1024 * 1024


def airtime(blob: MediaBlob) -> float:
    """The time a file takes in the plan: its duration rounded up to whole seconds, so starts are whole
    seconds and an item never runs into the next one (the manifest rounds durations to milliseconds)."""
    return float(ceil(blob.duration_seconds or 0))


@dataclass
class _Inputs:
    """Everything read once per compilation, shared by the commune's devices."""

    occurrences: list[Occurrence]
    slots: dict[int, planning.SlotInput]
    blobs: dict[str, MediaBlob]
    priorities: list[tuple[planning.PriorityEntry, frozenset[str]]]
    fallback: planning.Line | None
    quiet: planning.QuietHours
    notes: list[dict[str, Any]] = field(default_factory=list)  # warnings found while reading
    airable: set[int] = field(default_factory=set)  # bulletins that may still air
    now: datetime | None = None
    by_key: dict[str, Occurrence] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)

    def blob(self, sha256: str) -> MediaBlob:
        if sha256 not in self.blobs:
            self.blobs[sha256] = MediaBlob.objects.get(sha256=sha256)
            self.sizes[sha256] = self.blobs[sha256].size
        return self.blobs[sha256]

    def __post_init__(self) -> None:
        self.by_key = {f"oc{o.pk}": o for o in self.occurrences}
        self.sizes = {sha: blob.size for sha, blob in self.blobs.items()}


class _Media:
    """Bulletins' audio and files as planning lines; each bulletin's audio is looked up once."""

    def __init__(self, unit: AdministrativeUnit) -> None:
        self.airable = set(airable_bulletins(unit).values_list("pk", flat=True))
        self.blobs: dict[str, MediaBlob] = {}
        self._audio: dict[int, MediaBlob | None] = {}

    def file(self, blob: MediaBlob | None, kind: str, title: str, source: str) -> planning.Line:
        if blob is None:
            return planning.Line(kind=kind, seconds=0, title=title, source=source)
        self.blobs[blob.sha256] = blob
        return planning.Line(kind=kind, seconds=airtime(blob), title=title, ref=blob.sha256, source=source)

    def bulletin(self, bulletin: Bulletin, title: str = "") -> planning.Line:
        if bulletin.pk not in self._audio:
            self._audio[bulletin.pk] = renditions.audio_blob(bulletin)
        return self.file(
            self._audio[bulletin.pk], planning.BULLETIN, title or bulletin.title, f"bulletin:{bulletin.pk}"
        )


def _line(
    item: RunningOrderItem, media: _Media, occurrence: Occurrence, notes: list[dict[str, Any]]
) -> planning.Line | None:
    if item.kind == ItemKind.BULLETIN:
        if item.bulletin is None or item.bulletin_id not in media.airable:
            notes.append(wording.withdrawn(item.title, occurrence))
            return None
        return media.bulletin(item.bulletin, item.title)
    if item.kind in (ItemKind.AUDIO, ItemKind.JINGLE):
        source = f"{item.kind}:{item.blob.sha256}" if item.blob else ""
        return media.file(item.blob, item.kind, item.title or item.kind, source)
    seconds = float(item.duration_seconds or 0)
    if item.kind == ItemKind.RELAY:
        if not RELAY_SUPPORTED:
            notes.append(wording.relay_unsupported(item.title, occurrence))
            return planning.Line(kind=planning.SILENCE, seconds=seconds, title=item.title)
        return planning.Line(
            kind=planning.RELAY, seconds=seconds, title=item.title or item.stream_url, ref=item.stream_url
        )
    return planning.Line(kind=planning.SILENCE, seconds=seconds, title=item.title)


def _inputs(unit: AdministrativeUnit, start: datetime, end: datetime) -> _Inputs:
    policy = settings_for(unit)
    media = _Media(unit)
    notes: list[dict[str, Any]] = []
    occurrences = list(selectors.list_airings(unit, start=start, end=end))
    slots = {}
    for occurrence in occurrences:
        programme = occurrence.programme
        rows = occurrence.items.all() if occurrence.is_customised else programme.items.all()
        lines = [line for row in rows if (line := _line(row, media, occurrence, notes)) is not None]
        slots[occurrence.pk] = planning.SlotInput(
            key=f"oc{occurrence.pk}",
            title=programme.title,
            start=occurrence.starts_at,
            end=occurrence.ends_at,
            lines=tuple(lines),
            volume=programme.volume,
        )
    priorities = []
    for entry in accepted_priority_entries(unit):
        line = media.bulletin(entry.bulletin)
        priorities.append(
            (
                planning.PriorityEntry(
                    line=line, valid_from=entry.bulletin.valid_from, valid_until=entry.bulletin.valid_until
                ),
                frozenset(entry.residential_codes or ()),
            )
        )
    fallback = None
    if policy.fallback_blob is not None:
        fallback = media.file(policy.fallback_blob, planning.FALLBACK, FALLBACK_TITLE, "fallback")
    quiet = planning.QuietHours(start=policy.quiet_start, end=policy.quiet_end, tz=tz())
    return _Inputs(
        occurrences, slots, dict(media.blobs), priorities, fallback, quiet, notes, media.airable, start
    )


def reaches(programme: Programme, device: Device) -> bool:
    """True when the programme's target includes the device."""
    if programme.target_kind == TargetKind.COMMUNE:
        return True
    if programme.target_kind == TargetKind.RESIDENTIAL:
        return device.residential_unit_id in {u.pk for u in programme.residential_units.all()}
    if programme.target_kind == TargetKind.GROUPS:
        mine = {g.pk for g in device.groups.all()}
        return bool(mine & {g.pk for g in programme.device_groups.all()})
    return False


def _manifest_item(planned: planning.PlannedItem, blobs: dict[str, MediaBlob]) -> ManifestItem:
    line = planned.line
    kind, _, ident = line.source.partition(":")
    common: dict[str, Any] = {
        "item_id": planned.item_id,
        "start": planned.start,
        "start_until": planned.until,
        "title": line.title,
        "volume": planned.volume,
        "source_type": ("priority" if planned.is_priority else kind or line.kind)[:32],
        "source_id": ident[:64],
    }
    if line.kind == planning.RELAY:
        return ManifestItem(stream_url=line.ref, duration_seconds=line.seconds, **common)  # type: ignore[call-arg,unused-ignore]
    return ManifestItem(blob=blobs[line.ref], **common)


def _from_protocol(item: dict[str, Any], inputs: _Inputs) -> ManifestItem:
    """An item of the device's current manifest, as it was (a slot on air keeps its layout)."""
    source = item.get("source") or {}
    common: dict[str, Any] = {
        "item_id": item["id"],
        "start": parse_ts(item["start"]),
        "start_until": parse_ts(item["start_until"]) if item.get("start_until") else None,
        "title": item.get("title", ""),
        "volume": item.get("volume"),
        "source_type": source.get("type", ""),
        "source_id": source.get("id", ""),
    }
    if "stream" in item:
        return ManifestItem(  # type: ignore[call-arg,unused-ignore]
            stream_url=item["stream"]["url"],
            stream_mime=item["stream"].get("mime", ""),
            duration_seconds=item["duration_ms"] / 1000,
            **common,
        )
    return ManifestItem(blob=inputs.blob(item["media"]["sha256"]), **common)


def _on_air(manifest_pk: int, on_air: set[str], inputs: _Inputs) -> tuple[set[str], list[ManifestItem]]:
    """The slots already on air that the current manifest laid out, and their items as they were, less
    bulletins withdrawn since (those go off air at once). A device keys what it played by id and start,
    so re-laying a slot on air (a priority bulletin accepted mid-programme, say) would replay its start."""
    body = DeviceManifest.objects.values_list("body", flat=True).get(pk=manifest_pk)
    ours = [i for i in body.get("items", []) if i["id"].split("-", 1)[0] in on_air]
    kept = []
    for item in ours:
        source = item.get("source") or {}
        is_bulletin = source.get("type") in (planning.BULLETIN, "priority")
        if is_bulletin and not (str(source.get("id", "")).isdigit() and int(source["id"]) in inputs.airable):
            continue
        kept.append(_from_protocol(item, inputs))
    return {i["id"].split("-", 1)[0] for i in ours}, kept


def _free_bytes(device: Device) -> int | None:
    try:
        state = device.state
    except DeviceState.DoesNotExist:
        return None
    free = (state.heartbeat or {}).get("storage_free_mb")
    return int(free) * MB if isinstance(free, int | float) else None


@dataclass
class _Tally:
    devices: int = 0
    changed: int = 0
    items: int = 0
    download_bytes: int = 0
    warnings: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)

    def warn(self, warning: dict[str, Any], *, on_device: bool = True) -> None:
        """Keep the warning once; ``devices`` counts the clusters it was found on."""
        key = (warning["code"], warning.get("occurrence"), warning.get("device"), warning["message"])
        if key not in self.warnings:
            self.warnings[key] = {**warning, "devices": 0}
        if on_device:
            self.warnings[key]["devices"] += 1


def within_limit(items: list[ManifestItem], limit: int) -> tuple[list[ManifestItem], int]:
    """At most ``limit`` items (``items`` are in time order): the latest fallback copies go first, then the
    latest items of any kind."""
    excess = len(items) - limit
    if excess <= 0:
        return items, 0
    fallback = [i for i, item in enumerate(items) if item.source_type == "fallback"]
    drop = set(fallback[-excess:])
    return [item for i, item in enumerate(items) if i not in drop][:limit], excess


def _compile_device(device: Device, inputs: _Inputs, tally: _Tally) -> None:
    code = device.residential_unit.code if device.residential_unit is not None else None
    mine = [o for o in inputs.occurrences if reaches(o.programme, device)]
    priorities = [entry for entry, codes in inputs.priorities if not codes or code in codes]
    plan = planning.plan_device(
        [inputs.slots[o.pk] for o in mine],
        priorities=priorities,
        fallback=inputs.fallback,
        quiet=inputs.quiet,
    )
    current = (  # the version and media only: the body is read again, locked, by set_manifest
        DeviceManifest.objects.filter(device=device)
        .order_by("-version")
        .values_list("pk", "media_sha256")
        .first()
    )
    on_air = {f"oc{o.pk}" for o in mine if inputs.now is not None and o.starts_at <= inputs.now}
    frozen, items = _on_air(current[0], on_air, inputs) if on_air and current is not None else (set(), [])
    planned = [p for p in plan.items if p.slot not in frozen]
    for warning in plan.warnings:
        if warning.slot not in frozen:
            tally.warn(
                wording.from_plan(
                    warning, inputs.by_key, inputs.quiet, has_fallback=inputs.fallback is not None
                )
            )
    items += [_manifest_item(p, inputs.blobs) for p in planned]
    items, dropped = within_limit(items, MAX_ITEMS)
    if dropped:
        tally.warn(wording.too_many_items(device, dropped, MAX_ITEMS))
    wanted = {i.blob.sha256 for i in items if i.blob is not None}
    had = set(current[1]) if current is not None else set()
    sizes = inputs.sizes
    if unknown := had - sizes.keys():  # media of the old manifest that this compilation does not use
        sizes.update(MediaBlob.objects.filter(sha256__in=unknown).values_list("sha256", "size"))
    new_bytes = sum(sizes[s] for s in wanted - had)
    free = _free_bytes(device)
    needed, capacity = sum(sizes[s] for s in wanted), (free or 0) + sum(sizes.get(s, 0) for s in had)
    if free is not None and needed > capacity:
        tally.warn(wording.storage(device, needed, capacity))
    manifest = set_manifest(actor=RADIO, device=device, items=items, notify=True)
    tally.devices += 1
    tally.items += len(items)
    if current is None or manifest.pk != current[0]:
        tally.changed += 1
        tally.download_bytes += new_bytes


def compile_unit(*, actor: Any, unit: AdministrativeUnit, now: datetime | None = None) -> CompilationReport:
    """Materialise the commune's programmes and publish every speaker cluster's manifest for the horizon;
    returns the stored report. See the module docstring and docs/radio.md."""
    access.require(actor, access.BROADCAST_OPERATE, unit=unit)
    moment = now or timezone.now()
    horizon_end = moment + timedelta(days=settings_for(unit).horizon_days)
    with transaction.atomic():
        materialise_unit(unit, now=moment)
        inputs = _inputs(unit, moment, horizon_end)
        tally = _Tally()
        for note in inputs.notes:  # found while reading the schedule, not on one device
            tally.warn(note, on_device=False)
        for device in selectors.list_speaker_clusters(unit):
            _compile_device(device, inputs, tally)
        report = CompilationReport.objects.create(
            unit=unit,
            compiled_at=timezone.now(),
            horizon_start=moment,
            horizon_end=horizon_end,
            devices=tally.devices,
            manifests_changed=tally.changed,
            items=tally.items,
            download_bytes=tally.download_bytes,
            warnings=sorted(tally.warnings.values(), key=wording.sort_key),
        )
        audit.record(
            actor=actor,
            action="radio.compile",
            target=report,
            unit=unit,
            after={
                "devices": report.devices,
                "manifests_changed": report.manifests_changed,
                "items": report.items,
                "download_bytes": report.download_bytes,
                "warnings": [w["code"] for w in report.warnings],
            },
        )
    return report


def units_to_compile() -> list[AdministrativeUnit]:
    """Communes that have radio programmes (paused ones too, so that pausing empties the schedule)."""
    ids = Programme.objects.values("unit_id").distinct()
    return list(AdministrativeUnit.objects.filter(pk__in=ids).order_by("path"))


def compile_all(*, actor: Any, now: datetime | None = None) -> list[CompilationReport]:
    """Compile every commune with programmes (the nightly run), one transaction per commune."""
    return [compile_unit(actor=actor, unit=unit, now=now) for unit in units_to_compile()]


def request_compile(unit: AdministrativeUnit) -> None:
    """Recompile the commune's manifests in the background once the current transaction commits."""
    unit_id = unit.pk
    transaction.on_commit(lambda: _enqueue(unit_id))


def _enqueue(unit_id: int) -> None:
    from nguon.radio.tasks import compile_unit_task

    compile_unit_task.enqueue(unit_id)
