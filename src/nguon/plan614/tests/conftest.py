"""Fixtures of the plan614 tests: a small plan of the province (computed and entered targets, two tasks
with lead/partner organisations and units) and one person per role that matters to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from nguon.accounts.choices import Role
from nguon.core.access import SYSTEM
from nguon.plan614 import services
from nguon.plan614.selectors import local_today
from nguon.units import services as unit_services
from nguon.units.models import AdministrativeUnit, Organisation

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TEXT = "Biên bản họp: đã lắp 3 cụm loa.".encode()


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _org(code: str, name: str, unit: AdministrativeUnit) -> Organisation:
    return unit_services.create_organisation(actor=SYSTEM, code=code, kind="department", name=name, unit=unit)


@dataclass
class Plan:
    province: AdministrativeUnit
    lead_org: Organisation
    partner_org: Organisation
    other_org: Organisation
    computed: Any
    entered: Any
    count: Any
    task: Any  # led by lead_org, supported by partner_org and the commune
    commune_task: Any  # led by the province as a unit: every commune of it


@pytest.fixture
def plan(province: AdministrativeUnit, commune: AdministrativeUnit) -> Plan:
    lead = _org("so-test-lead", "Sở Thử nghiệm Chủ trì", province)
    partner = _org("so-test-partner", "Sở Thử nghiệm Phối hợp", province)
    other = _org("so-test-other", "Sở Không liên quan", province)
    today = local_today()
    common: dict[str, Any] = {"actor": SYSTEM, "unit": province}
    computed = services.create_target(
        **common,
        code="t-cum-loa",
        wording="100% xã có cụm loa CNTT-VT hoạt động",
        horizon=2030,
        measure_unit="percent",
        target_value=Decimal(100),
        method="computed",
        computed_key="communes_cluster_working",
    )
    entered = services.create_target(
        **common,
        code="t-hoi-tu",
        wording="100% cơ quan báo chí vận hành tòa soạn hội tụ",
        horizon=2030,
        measure_unit="percent",
        target_value=Decimal(100),
        method="entered",
    )
    count = services.create_target(
        **common,
        code="t-so-cum",
        wording="Số cụm loa CNTT-VT toàn tỉnh",
        horizon=2045,
        measure_unit="count",
        target_value=Decimal(3000),
        method="computed",
        computed_key="indicator:clusters",
    )
    task = services.create_task(
        **common,
        number=5,
        title="Phát triển thông tin cơ sở",
        lead_text="Sở Thử nghiệm Chủ trì",
        partner_text="Sở Thử nghiệm Phối hợp, xã Định Hóa",
        funding=["state_local", "socialisation"],
        period_start=today - timedelta(days=100),
        period_end=today + timedelta(days=100),
        lead_organisations=[lead],
        partners=[partner],
        partner_units=[commune],
    )
    commune_task = services.create_task(
        **common,
        number=6,
        title="Hiện đại hóa cơ sở truyền thanh, bảng tin điện tử công cộng",
        lead_text="UBND cấp huyện (nay là cấp xã)",
        funding=["state_local"],
        period_start=today - timedelta(days=10),
        period_end=today + timedelta(days=10),
        lead_units=[province],
    )
    return Plan(province, lead, partner, other, computed, entered, count, task, commune_task)


@dataclass
class People:
    board: Any  # editorial board of the province: manages the plan
    lead: Any  # department contributor of the lead organisation
    partner: Any  # department contributor of the partner organisation
    outsider: Any  # department contributor of an organisation that neither leads nor supports
    commune_editor: Any  # commune editor of xã Định Hóa
    other_commune_editor: Any  # commune editor of phường Phan Đình Phùng
    foreign: Any  # commune editor in another province


@pytest.fixture
def people(make_user: Any, plan: Plan, commune: Any, other_commune: Any) -> People:
    elsewhere = AdministrativeUnit.objects.filter(level="commune", is_current=True).exclude(
        path__startswith=plan.province.path
    )[0]
    return People(
        board=make_user(Role.EDITORIAL_BOARD, unit=plan.province),
        lead=make_user(Role.DEPARTMENT_CONTRIBUTOR, organisation=plan.lead_org),
        partner=make_user(Role.DEPARTMENT_CONTRIBUTOR, organisation=plan.partner_org),
        outsider=make_user(Role.DEPARTMENT_CONTRIBUTOR, organisation=plan.other_org),
        commune_editor=make_user(Role.COMMUNE_EDITOR, unit=commune),
        other_commune_editor=make_user(Role.COMMUNE_EDITOR, unit=other_commune),
        foreign=make_user(Role.COMMUNE_EDITOR, unit=elsewhere),
    )
