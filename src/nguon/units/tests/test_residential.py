"""Residential units: created by commune staff, imported from CSV/XLSX all-or-nothing with per-row errors."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.units import residential_import, services
from nguon.units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db

GOOD_CSV = "ma,ten,loai\nTDP01,Trung Kiên,tổ dân phố\nT02,Bãi Á,Thôn\nX03,Nà Hin,xom\n".encode()
BAD_CSV = (
    "mã;tên;loại\n"
    "TDP01;Trung Kiên;tổ dân phố\n"
    "TDP01;Trùng mã;thôn\n"
    "bad code!;Sai mã;thôn\n"
    "T04;;thôn\n"
    "T05;Loại lạ;phố cổ\n"
).encode()


def residential(commune):
    return AdministrativeUnit.objects.filter(parent=commune, level="residential")


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def editor(make_user, commune):
    return make_user(Role.COMMUNE_EDITOR, unit=commune)


def test_good_csv_imports_every_row(editor, commune):
    result = services.import_residential_units(actor=editor, commune=commune, content=GOOD_CSV)
    assert result.ok
    assert (result.created, result.updated) == (3, 0)
    units = {u.code: u for u in residential(commune)}
    assert units["05569-TDP01"].full_name == "Tổ dân phố Trung Kiên"
    assert units["05569-T02"].kind == "thon"
    assert units["05569-X03"].full_name == "Xóm Nà Hin"
    assert units["05569-TDP01"].path == "19/05569/TDP01/"
    assert AuditEvent.objects.filter(action="units.residential.import", unit_path=commune.path).count() == 1


def test_reimport_is_idempotent_and_updates_changes(editor, commune):
    services.import_residential_units(actor=editor, commune=commune, content=GOOD_CSV)
    again = services.import_residential_units(actor=editor, commune=commune, content=GOOD_CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = GOOD_CSV.replace("Bãi Á".encode(), "Bãi Á Mới".encode())
    result = services.import_residential_units(actor=editor, commune=commune, content=changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)


def test_malformed_csv_reports_every_row_and_imports_nothing(editor, commune):
    before = AuditEvent.objects.count()
    result = services.import_residential_units(actor=editor, commune=commune, content=BAD_CSV)
    assert not result.ok
    by_row = {(e.row, e.column) for e in result.errors}
    assert by_row == {(3, "ma"), (4, "ma"), (5, "ten"), (6, "loai")}
    assert "trùng với dòng 2" in next(e.message for e in result.errors if e.row == 3)
    assert not residential(commune).exists()  # not even the good first row
    assert AuditEvent.objects.count() == before


def test_xlsx_is_detected_by_content_not_name(editor, commune):
    content = xlsx([["Mã", "Tên", "Loại"], ["B1", "Bản Mới", "bản"], ["B2", "Khu Một", "khu phố"]])
    result = services.import_residential_units(actor=editor, commune=commune, content=content)
    assert result.ok
    assert result.created == 2
    assert residential(commune).get(code="05569-B1").kind == "ban"


def test_xlsx_with_errors_imports_nothing(editor, commune):
    content = xlsx(
        [["ma", "ten", "loai", "ma_xa"], ["B1", "Bản", "bản", "05569"], ["B2", "Khác", "bản", "05443"]]
    )
    result = services.import_residential_units(actor=editor, commune=commune, content=content)
    assert [(e.row, e.column) for e in result.errors] == [(3, "ma_xa")]
    assert not residential(commune).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "rỗng"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "nhị phân"),
        (b"ma,ten,loai\nT1,Th\xf4n M\xf4t,thon\n", "UTF-8"),  # a Windows-1258/Latin-1 export
        (b"name,kind\nA,thon\n", "Thiếu cột bắt buộc: ma"),
        (b"PK\x03\x04not really a zip", "XLSX không đọc được"),
        (b"ma,ten,loai\n" + b"A,B,thon\n" * 300_000, "quá lớn"),
        (b"ma,ten,loai\n" + b"A,B,thon\n" * 6_000, "tối đa 5000 dòng"),
    ],
)
def test_unreadable_files_are_rejected_whole(editor, commune, content, message):
    with pytest.raises(residential_import.FileRejectedError, match=message):
        services.import_residential_units(actor=editor, commune=commune, content=content)
    assert not residential(commune).exists()


def test_other_communes_cannot_be_touched(make_user, commune, other_commune):
    from django.http import Http404

    editor = make_user(Role.COMMUNE_EDITOR, unit=commune)
    with pytest.raises(Http404):
        services.import_residential_units(actor=editor, commune=other_commune, content=GOOD_CSV)
    viewer = make_user(Role.VIEWER, unit=commune)
    with pytest.raises(Http404):
        services.import_residential_units(actor=viewer, commune=commune, content=GOOD_CSV)


def test_web_import_shows_row_errors(client, editor, commune):
    client.force_login(editor)
    upload = SimpleUploadedFile("thon.csv", BAD_CSV, content_type="text/csv")
    response = client.post(f"/units/u/{commune.path}", {"import-file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "4 lỗi — chưa nhập dòng nào" in page
    assert "không hợp lệ" in page
    assert not residential(commune).exists()


def test_web_import_rejects_unreadable_file_with_a_message(client, editor, commune):
    client.force_login(editor)
    upload = SimpleUploadedFile("thon.xlsx", b"\x00\x01binary", content_type="application/octet-stream")
    response = client.post(f"/units/u/{commune.path}", {"import-file": upload})
    assert response.status_code == 400
    assert "nhị phân" in response.content.decode()


def test_api_import_gives_structured_row_errors(client, editor, commune):
    client.force_login(editor)
    upload = SimpleUploadedFile("thon.csv", BAD_CSV, content_type="text/csv")
    response = client.post("/api/v1/units/communes/05569/residential/import", {"file": upload})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "rows_invalid"
    assert {(d["row"], d["column"]) for d in error["details"]} == {
        (3, "ma"),
        (4, "ma"),
        (5, "ten"),
        (6, "loai"),
    }
    ok = client.post(
        "/api/v1/units/communes/05569/residential/import",
        {"file": SimpleUploadedFile("a.csv", GOOD_CSV, content_type="text/csv")},
    )
    assert ok.status_code == 200
    assert ok.json() == {"created": 3, "updated": 0, "unchanged": 0}


def test_api_same_404_for_forbidden_and_missing_commune(client, editor):
    client.force_login(editor)
    body = {"code": "T1", "name": "Thôn Một", "kind": "thon"}
    forbidden = client.put("/api/v1/units/communes/05443/residential", body, content_type="application/json")
    missing = client.put("/api/v1/units/communes/99999/residential", body, content_type="application/json")
    assert forbidden.status_code == missing.status_code == 404
    assert (
        forbidden.json() == missing.json() == {"error": {"code": "not_found", "message": "Không tìm thấy."}}
    )


def test_api_validation_errors_are_structured(client, editor):
    client.force_login(editor)
    bad_kind = client.put(
        "/api/v1/units/communes/05569/residential",
        {"code": "T1", "name": "Thôn", "kind": "lâu đài"},
        content_type="application/json",
    )
    assert bad_kind.status_code == 422
    assert bad_kind.json()["error"]["details"] == [{"field": "kind", "message": "Loại không hợp lệ."}]
    missing_field = client.put(
        "/api/v1/units/communes/05569/residential", {"code": "T1"}, content_type="application/json"
    )
    assert missing_field.status_code == 422
    assert missing_field.json()["error"]["code"] == "invalid"


def test_residential_units_of_other_communes_are_invisible(client, make_user, commune, other_commune):
    services.save_residential_unit(
        actor=make_user(Role.COMMUNE_EDITOR, unit=other_commune),
        commune=other_commune,
        local_code="K1",
        name="Tổ Kín",
        kind="to_dan_pho",
    )
    client.force_login(make_user(Role.COMMUNE_EDITOR, unit=commune))
    page = client.get(f"/units/u/{other_commune.path}")
    assert page.status_code == 200  # the official unit itself is public reference data
    assert "Tổ Kín" not in page.content.decode()
    assert "Nhập từ tệp" not in page.content.decode()
    assert client.get(f"/units/u/{other_commune.path}K1/").status_code == 404
    assert client.get("/units/u/19/05443/NOPE/").status_code == 404
    listing = client.get("/api/v1/units/communes/05443/residential")
    assert listing.status_code == 200
    assert listing.json() == []
    posted = client.post(
        f"/units/u/{other_commune.path}", {"add-code": "Z1", "add-name": "Z", "add-kind": "thon"}
    )
    assert posted.status_code == 404


def test_stored_names_stay_vietnamese_whatever_the_interface_language(editor, commune):
    from django.utils import translation

    with translation.override("en"):
        unit = services.save_residential_unit(
            actor=editor, commune=commune, local_code="E1", name="Đồng Tâm", kind="to_dan_pho"
        )
        assert str(unit.get_kind_display()) == "Residential group"  # the interface is translated…
    assert unit.full_name == "Tổ dân phố Đồng Tâm"  # …the stored official name is not
