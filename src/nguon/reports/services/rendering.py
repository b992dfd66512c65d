"""Rendering a period's report for a unit (the province or one commune) in xlsx, docx or pdf."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone

from nguon.reports.render.charts import charts_for
from nguon.reports.render.docx_nd30 import Letterhead, render_docx
from nguon.reports.render.pdf import docx_to_pdf
from nguon.reports.render.xlsx import render_xlsx
from nguon.reports.selectors.breakdown import bulletin_breakdowns, departments_supplying
from nguon.reports.selectors.tables import Table, table
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

FORMATS = ("xlsx", "docx", "pdf")


def _place_name(unit: AdministrativeUnit) -> str:
    for prefix in ("Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Đặc khu "):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


def letterhead_for(unit: AdministrativeUnit, issued_on: date) -> Letterhead:
    """The default head and foot: the provincial department in charge of grassroots information for the
    province, the commune's People's Committee for a commune (the office may edit the docx before signing)."""
    if unit.level == UnitLevel.COMMUNE:
        kind = "PHƯỜNG" if unit.name.startswith("Phường") else "XÃ"
        return Letterhead(
            parent_body="",
            issuing_body=f"ỦY BAN NHÂN DÂN {kind} {_place_name(unit).upper()}",
            number="Số:       /BC-UBND",
            place=_place_name(unit),
            issued_on=issued_on,
            signer_title="TM. ỦY BAN NHÂN DÂN",
            signer_name="",
            recipients=("UBND tỉnh (báo cáo)", "Sở Văn hóa, Thể thao và Du lịch"),
        )
    province = _place_name(unit)
    return Letterhead(
        parent_body=f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}",
        issuing_body="SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
        number="Số:       /BC-SVHTTDL",
        place=province,
        issued_on=issued_on,
        signer_title="GIÁM ĐỐC",
        signer_name="",
        recipients=("Bộ Văn hóa, Thể thao và Du lịch", "UBND tỉnh (báo cáo)", "UBND các xã, phường"),
    )


def report_unit(code: str | None) -> AdministrativeUnit:
    code = code or settings.NGUON_PROVINCE_CODE
    unit = (
        AdministrativeUnit.objects.filter(code=code, is_current=True)
        .exclude(level=UnitLevel.RESIDENTIAL)
        .first()
    )
    if unit is None or unit.level not in (UnitLevel.PROVINCE, UnitLevel.COMMUNE):
        raise ValueError(f"Không có tỉnh hoặc xã, phường đang hiệu lực mã {code}.")
    return unit


def render(period: str, fmt: str, unit: AdministrativeUnit, *, issued_on: date | None = None) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"Định dạng “{fmt}” không hỗ trợ; dùng một trong: {', '.join(FORMATS)}.")
    data: Table = table(period, unit)
    breakdowns = bulletin_breakdowns(data.period, unit)
    if fmt == "xlsx":
        return render_xlsx(data, breakdowns)
    suppliers = departments_supplying(data.period, unit)
    head = letterhead_for(unit, issued_on or timezone.localdate())
    docx = render_docx(data, head, breakdowns, suppliers, charts_for(data))
    return docx if fmt == "docx" else docx_to_pdf(docx)
