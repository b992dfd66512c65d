"""The official units: counts, codes, the 2025 mapping, lookup, and the CLI's output."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nguon.core.access import SystemActor
from nguon.units import selectors
from nguon.units.models import AdministrativeUnit
from nguon.units.official_import import import_official_units

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[list[str]]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return [line.split("\t") for line in out.getvalue().rstrip("\n").splitlines()]


def test_national_counts_follow_qd_19_2025():
    current = AdministrativeUnit.objects.filter(is_current=True)
    assert current.filter(level="province").count() == 34
    assert current.filter(level="commune").count() == 3321
    assert not AdministrativeUnit.objects.filter(level="district", is_current=True).exists()


def test_thai_nguyen_has_92_units_77_communes_15_wards():
    units = selectors.list_communes(province_code="19")
    assert units.count() == 92
    assert units.filter(kind="xa").count() == 77
    assert units.filter(kind="phuong").count() == 15
    assert AdministrativeUnit.objects.get(path="19/").full_name == "Tỉnh Thái Nguyên"


def test_codes_are_official_and_unique_among_current_units():
    codes = list(
        AdministrativeUnit.objects.filter(is_current=True, level="commune").values_list("code", flat=True)
    )
    assert len(codes) == len(set(codes))
    assert all(len(code) == 5 and code.isdigit() for code in codes)
    provinces = AdministrativeUnit.objects.filter(is_current=True, level="province").values_list(
        "code", flat=True
    )
    assert all(len(code) == 2 and code.isdigit() for code in provinces)


def test_cho_chu_maps_to_xa_dinh_hoa():
    cho_chu = AdministrativeUnit.objects.get(full_name="Thị trấn Chợ Chu", is_current=False)
    assert cho_chu.parent is not None
    assert cho_chu.parent.full_name == "Huyện Định Hóa"
    successor = cho_chu.default_successor
    assert successor is not None
    assert (successor.code, successor.full_name, successor.is_current) == ("05569", "Xã Định Hóa", True)
    predecessors = {u.full_name for u in selectors.list_predecessors(unit=successor)}
    assert "Thị trấn Chợ Chu" in predecessors
    assert len(predecessors) >= 2  # several old communes merged into the new xã


def test_old_provinces_map_to_merged_province():
    bac_kan = AdministrativeUnit.objects.get(level="province", is_current=False, name="Bắc Kạn")
    assert bac_kan.default_successor is not None
    assert bac_kan.default_successor.path == "19/"


@pytest.mark.parametrize(
    "query", ["dinh hoa", "Định Hóa", "Định Hoá", "ĐỊNH HÓA", "Xã Định Hoá", "dinh  hoa"]
)
def test_lookup_is_diacritic_and_tone_placement_insensitive(query):
    found = list(selectors.search_units(query=query))
    assert found[0].code == "05569"
    assert found[0].is_current


def test_lookup_normalises_decomposed_input_to_nfc():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Định Hóa")
    assert decomposed != "Định Hóa"
    assert next(iter(selectors.search_units(query=decomposed))).code == "05569"


def test_cli_show_prints_tab_separated_lines():
    rows = run("units", "show", "05569")
    assert rows[0] == ["05569", "Xã Định Hóa", "commune", "19", "current", ""]
    assert ["05569", "Thị trấn Chợ Chu", "commune", "19", "historical", "05569"] in rows


def test_cli_show_by_name_without_diacritics():
    rows = run("units", "show", "cho", "chu")
    assert ["05569", "Thị trấn Chợ Chu", "commune", "19", "historical", "05569"] in rows


def test_cli_list_province():
    rows = run("units", "list", "--province", "19")
    assert len(rows) == 92
    assert all(
        len(row) == 6 and row[2] == "commune" and row[3] == "19" and row[4] == "current" for row in rows
    )
    assert ["05569", "Xã Định Hóa", "commune", "19", "current", ""] in rows


def test_cli_unknown_codes_give_clear_messages():
    with pytest.raises(CommandError, match="No current province has code '99'"):
        run("units", "list", "--province", "99")
    with pytest.raises(CommandError, match="No unit matches"):
        run("units", "show", "khong-co-don-vi-nay")


def test_import_is_idempotent():
    before = AdministrativeUnit.objects.count()
    summary = import_official_units(actor=SystemActor("tests"))
    assert (summary.created, summary.updated, summary.successions) == (0, 0, 0)
    assert AdministrativeUnit.objects.count() == before


def test_import_repairs_a_changed_unit():
    AdministrativeUnit.objects.filter(path="19/05569/").update(full_name="Xã Sai Tên")
    summary = import_official_units(actor=SystemActor("tests"))
    assert summary.updated == 1
    assert AdministrativeUnit.objects.get(path="19/05569/").full_name == "Xã Định Hóa"


def test_cli_import_runs_quietly_at_verbosity_0():
    out, err = io.StringIO(), io.StringIO()
    call_command("units", "import", verbosity=0, stdout=out, stderr=err)  # the disabled bar once had no desc
    assert AdministrativeUnit.objects.filter(code="05569", is_current=True).exists()
    assert "Traceback" not in err.getvalue()
