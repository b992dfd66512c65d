"""Reading a commune's list of residential units (thôn, xóm, bản, tổ dân phố) from CSV or XLSX.

The file type is decided by content, not by name. Every row is checked before anything is written;
:func:`parse` returns the rows and the errors, and the service imports only when there are no errors.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from nguon.core.text import fold, nfc
from nguon.units.choices import RESIDENTIAL_KINDS, UnitKind, official_prefix

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
LOCAL_CODE = re.compile(r"^[A-Z0-9]{1,12}$")

_KIND_BY_KEY = (
    {fold(official_prefix(kind)): kind for kind in RESIDENTIAL_KINDS}
    | {fold(kind): kind for kind in RESIDENTIAL_KINDS}
    | {"tdp": UnitKind.TO_DAN_PHO}
)

_COLUMNS = {
    "ma": "code",
    "code": "code",
    "ma thon": "code",
    "ten": "name",
    "name": "name",
    "ten thon": "name",
    "loai": "kind",
    "kind": "kind",
    "ma xa": "commune_code",
    "commune code": "commune_code",
    "commune_code": "commune_code",
    "vi do": "latitude",
    "latitude": "latitude",
    "kinh do": "longitude",
    "longitude": "longitude",
}
REQUIRED = ("code", "name", "kind")


@dataclass(frozen=True)
class RowError:
    row: int  # the line/row number the person sees in their spreadsheet (header = 1)
    column: str
    message: str


@dataclass(frozen=True)
class ResidentialRow:
    row: int
    code: str
    name: str
    kind: str
    latitude: Decimal | None
    longitude: Decimal | None


class FileRejectedError(ValueError):
    """The file as a whole cannot be read (wrong type, too large, no header)."""


def _read_table(content: bytes) -> list[list[str]]:
    if len(content) > MAX_BYTES:
        raise FileRejectedError(f"Tệp quá lớn ({len(content) // 1024} KB); tối đa {MAX_BYTES // 1024} KB.")
    if not content.strip():
        raise FileRejectedError("Tệp rỗng.")
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    if b"\x00" in content[:4096]:
        raise FileRejectedError("Tệp không phải CSV hay XLSX (nội dung nhị phân).")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejectedError(
            f"Tệp CSV phải được lưu với mã hóa UTF-8 (lỗi ở byte {error.start})."
        ) from None
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileRejectedError(f"Tệp XLSX không đọc được: {error}.") from None
    sheet = workbook.worksheets[0]
    rows = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _decimal(raw: str, low: int, high: int) -> Decimal | None:
    if not raw:
        return None
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise ValueError("không phải số") from None
    if not low <= value <= high:
        raise ValueError(f"phải nằm trong khoảng {low} đến {high}")
    return value.quantize(Decimal("0.000001"))


def parse(content: bytes, *, commune_code: str) -> tuple[list[ResidentialRow], list[RowError]]:
    """Read and check every row; return the good rows and every error found."""
    table = [row for row in _read_table(content) if any(cell.strip() for cell in row)]
    if not table:
        raise FileRejectedError("Tệp không có dữ liệu.")
    header = [_COLUMNS.get(fold(cell), "") for cell in table[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        labels = {"code": "ma", "name": "ten", "kind": "loai"}
        raise FileRejectedError(
            "Thiếu cột bắt buộc: " + ", ".join(labels[m] for m in missing) + " (cần các cột: ma, ten, loai)."
        )
    if len(table) - 1 > MAX_ROWS:
        raise FileRejectedError(f"Tệp có {len(table) - 1} dòng; tối đa {MAX_ROWS} dòng mỗi lần nhập.")

    rows: list[ResidentialRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(table[1:], start=2):
        cells = {name: nfc(raw[i]) if i < len(raw) else "" for i, name in enumerate(header) if name}
        row_errors: list[RowError] = []
        code = cells.get("code", "").upper()
        if not code:
            row_errors.append(RowError(number, "ma", "Thiếu mã thôn/tổ dân phố."))
        elif not LOCAL_CODE.match(code):
            row_errors.append(
                RowError(number, "ma", f"Mã {code!r} không hợp lệ: chỉ chữ không dấu và số, tối đa 12 ký tự.")
            )
        elif code in seen:
            row_errors.append(RowError(number, "ma", f"Mã {code} trùng với dòng {seen[code]}."))
        else:
            seen[code] = number
        name = cells.get("name", "")
        if not name:
            row_errors.append(RowError(number, "ten", "Thiếu tên."))
        elif len(name) > 200:
            row_errors.append(RowError(number, "ten", "Tên dài quá 200 ký tự."))
        kind = _KIND_BY_KEY.get(fold(cells.get("kind", "")))
        if kind is None:
            row_errors.append(
                RowError(
                    number,
                    "loai",
                    f"Loại {cells.get('kind', '')!r} không hợp lệ; dùng: thôn, xóm, bản, tổ dân phố, khu phố, ấp, làng.",
                )
            )
        given_commune = cells.get("commune_code", "")
        if given_commune and given_commune != commune_code:
            row_errors.append(
                RowError(number, "ma_xa", f"Mã xã {given_commune} khác với xã đang nhập ({commune_code}).")
            )
        coords: dict[str, Decimal | None] = {}
        for column, label, low, high in (("latitude", "vi_do", -90, 90), ("longitude", "kinh_do", -180, 180)):
            try:
                coords[column] = _decimal(cells.get(column, ""), low, high)
            except ValueError as error:
                row_errors.append(RowError(number, label, f"Giá trị {cells.get(column)!r} {error}."))
        if row_errors:
            errors.extend(row_errors)
        elif kind is not None:
            rows.append(
                ResidentialRow(number, code, name, kind, coords.get("latitude"), coords.get("longitude"))
            )
    return rows, errors
