"""Reading a list of devices from CSV or XLSX (the file type is decided by content, not by name).

Columns (Vietnamese without diacritics or English; order free): ``so_seri``/``serial``, ``loai``/``kind``
(cụm loa, bảng điện tử), ``ma_xa``/``commune_code`` are required; ``hang``/``vendor``, ``model``,
``ten``/``name``, ``ma_thon``/``residential_code``, ``vi_do``/``latitude``, ``kinh_do``/``longitude``,
``ngay_lap_dat``/``installed_on`` (YYYY-MM-DD or DD/MM/YYYY), ``ket_noi``/``connectivity`` (3G, 4G,
Wi-Fi, LAN), ``sim``, ``man_hinh``/``panel`` (LED, LCD), ``dien_tich``/``size_m2``,
``do_phan_giai``/``resolution`` are optional. Every row is checked; :func:`parse` returns rows and errors.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from nguon.core.text import fold, nfc
from nguon.devices.choices import Connectivity, DeviceKind, PanelType
from nguon.units.residential_import import FileRejectedError, RowError

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

_COLUMNS = {
    **dict.fromkeys(("so seri", "so se ri", "serial", "so serial"), "serial"),
    **dict.fromkeys(("loai", "kind", "loai thiet bi"), "kind"),
    **dict.fromkeys(("ma xa", "commune code"), "commune_code"),
    **dict.fromkeys(("hang", "vendor", "hang san xuat"), "vendor"),
    "model": "model",
    **dict.fromkeys(("ten", "name", "vi tri"), "name"),
    **dict.fromkeys(("ma thon", "residential code"), "residential_code"),
    **dict.fromkeys(("vi do", "latitude"), "latitude"),
    **dict.fromkeys(("kinh do", "longitude"), "longitude"),
    **dict.fromkeys(("ngay lap dat", "installed on"), "installed_on"),
    **dict.fromkeys(("ket noi", "connectivity"), "connectivity"),
    "sim": "sim",
    **dict.fromkeys(("man hinh", "panel"), "panel"),
    **dict.fromkeys(("dien tich", "size m2", "dien tich (m2)", "dien tich (m²)"), "size_m2"),
    **dict.fromkeys(("do phan giai", "resolution"), "resolution"),
}


def _column(cell: str) -> str:
    """A header cell's column: case, diacritics, "_", "-" and spacing do not matter."""
    return _COLUMNS.get(" ".join(fold(cell).replace("_", " ").replace("-", " ").split()), "")


REQUIRED = {"serial": "so_seri", "kind": "loai", "commune_code": "ma_xa"}
_KINDS = {
    **dict.fromkeys(
        ("cum loa", "cum loa ung dung cntt-vt", "speaker_cluster", "loa"), DeviceKind.SPEAKER_CLUSTER
    ),
    **dict.fromkeys(("bang dien tu", "eboard", "e-board", "bang"), DeviceKind.EBOARD),
}
_CONNECTIVITY = {
    "3g": Connectivity.G3,
    "4g": Connectivity.G4,
    "wifi": Connectivity.WIFI,
    "wi-fi": Connectivity.WIFI,
}
_CONNECTIVITY["lan"] = Connectivity.LAN


@dataclass(frozen=True)
class DeviceRow:
    row: int
    serial: str
    kind: str
    commune_code: str
    residential_code: str = ""
    vendor: str = ""
    model: str = ""
    name: str = ""
    sim: str = ""
    resolution: str = ""
    connectivity: str = ""
    panel: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    size_m2: Decimal | None = None
    installed_on: date | None = None


def read_table(content: bytes) -> list[list[str]]:
    if len(content) > MAX_BYTES:
        raise FileRejectedError(f"Tệp quá lớn ({len(content) // 1024} KB); tối đa {MAX_BYTES // 1024} KB.")
    if not content.strip():
        raise FileRejectedError("Tệp rỗng.")
    if content[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise FileRejectedError(f"Tệp XLSX không đọc được: {error}.") from None
        rows = [
            ["" if c is None else c.date().isoformat() if isinstance(c, datetime) else str(c) for c in row]
            for row in workbook.worksheets[0].iter_rows(values_only=True)
        ]
        workbook.close()
        return rows
    if b"\x00" in content[:4096]:
        raise FileRejectedError("Tệp không phải CSV hay XLSX (nội dung nhị phân).")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejectedError(
            f"Tệp CSV phải được lưu với mã hóa UTF-8 (lỗi ở byte {error.start})."
        ) from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _decimal(raw: str, low: float, high: float) -> Decimal | None:
    if not raw:
        return None
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise ValueError("không phải số") from None
    if not low <= value <= high:
        raise ValueError(f"phải nằm trong khoảng {low:g} đến {high:g}")
    return value


def _date(raw: str) -> date | None:
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw.strip(), pattern).date()  # noqa: DTZ007 — a calendar date
        except ValueError:
            continue
    raise ValueError("không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY)")


def _optional(cells: dict[str, str], number: int, errors: list[RowError]) -> dict[str, Any]:
    out: dict[str, Any] = {
        key: cells.get(key, "") for key in ("vendor", "model", "name", "sim", "resolution")
    }
    out["residential_code"] = cells.get("residential_code", "").upper()
    checks: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
        ("latitude", "vi_do", lambda raw: _decimal(raw, -90, 90)),
        ("longitude", "kinh_do", lambda raw: _decimal(raw, -180, 180)),
        ("size_m2", "dien_tich", lambda raw: _decimal(raw, 0, 9999)),
        ("installed_on", "ngay_lap_dat", _date),
    )
    for key, label, convert in checks:
        try:
            out[key] = convert(cells.get(key, ""))
        except ValueError as error:
            errors.append(RowError(number, label, f"Giá trị {cells.get(key)!r} {error}."))
    connectivity = fold(cells.get("connectivity", ""))
    out["connectivity"] = _CONNECTIVITY.get(connectivity, "")
    if connectivity and not out["connectivity"]:
        errors.append(
            RowError(
                number, "ket_noi", f"Kết nối {cells['connectivity']!r} không hợp lệ (3G, 4G, Wi-Fi, LAN)."
            )
        )
    panel = fold(cells.get("panel", ""))
    out["panel"] = panel if panel in PanelType.values else ""
    if panel and not out["panel"]:
        errors.append(RowError(number, "man_hinh", f"Màn hình {cells['panel']!r} không hợp lệ (LED, LCD)."))
    return out


def parse(content: bytes) -> tuple[list[DeviceRow], list[RowError]]:
    table = [row for row in read_table(content) if any(cell.strip() for cell in row)]
    if not table:
        raise FileRejectedError("Tệp không có dữ liệu.")
    header = [_column(cell) for cell in table[0]]
    missing = [label for key, label in REQUIRED.items() if key not in header]
    if missing:
        raise FileRejectedError("Thiếu cột bắt buộc: " + ", ".join(missing) + ".")
    if len(table) - 1 > MAX_ROWS:
        raise FileRejectedError(f"Tệp có {len(table) - 1} dòng; tối đa {MAX_ROWS} dòng mỗi lần nhập.")
    rows: list[DeviceRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(table[1:], start=2):
        cells = {name: nfc(raw[i]).strip() if i < len(raw) else "" for i, name in enumerate(header) if name}
        row_errors: list[RowError] = []
        serial = cells.get("serial", "")
        if not serial:
            row_errors.append(RowError(number, "so_seri", "Thiếu số sê-ri."))
        elif serial in seen:
            row_errors.append(
                RowError(number, "so_seri", f"Số sê-ri {serial} trùng với dòng {seen[serial]}.")
            )
        else:
            seen[serial] = number
        kind = _KINDS.get(fold(cells.get("kind", "")))
        if kind is None:
            row_errors.append(
                RowError(
                    number, "loai", f"Loại {cells.get('kind', '')!r} không hợp lệ (cụm loa, bảng điện tử)."
                )
            )
        if not cells.get("commune_code"):
            row_errors.append(RowError(number, "ma_xa", "Thiếu mã xã/phường."))
        extra = _optional(cells, number, row_errors)
        if row_errors:
            errors.extend(row_errors)
        elif kind is not None:
            rows.append(DeviceRow(number, serial, kind, cells["commune_code"], **extra))
    return rows, errors
