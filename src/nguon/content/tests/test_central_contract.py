"""Contract v1 with the central system: one item parsed and mapped; versions; configuration; the docs."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from nguon import config
from nguon.content import central_contract as contract
from nguon.content.central_contract import ContractVersionError, ItemInvalidError
from nguon.content.tests.central_fake import item

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[4] / "docs" / "integrations" / "central.md"


@pytest.fixture(autouse=True)
def _central_url(settings: Any) -> None:
    settings.NGUON_CENTRAL_URL = "https://ttcs.example.gov.vn/api"
    settings.NGUON_PROVINCE_CODE = "19"


def _errors(raw: Any) -> dict[str, str]:
    with pytest.raises(ItemInvalidError) as caught:
        contract.parse_item(raw)
    return {e.field: e.message for e in caught.value.errors}


def test_a_valid_item_is_mapped_nfc_sanitised_and_targeted(commune: Any, other_commune: Any) -> None:
    decomposed = unicodedata.normalize("NFD", "Cảnh báo lũ quét")
    raw = item(
        title=f"  {decomposed}  ",
        category="qd52-thien-tai",  # a legacy QĐ 52/2016 code
        target={"province": "19", "communes": ["05569", "05443", "05569"]},
        priority="emergency",
        future_field="ignored within 1.x",
    )
    parsed = contract.parse_item(raw, contract_version="1.3")
    assert parsed.title == "Cảnh báo lũ quét"
    assert unicodedata.is_normalized("NFC", parsed.title)
    assert parsed.category.code == "thien-tai-dich-benh"
    assert [u.code for u in parsed.communes] == ["05569", "05443"]
    assert parsed.target_scope == "communes"
    assert "<script" not in parsed.body
    assert "alert" not in parsed.body
    assert parsed.body.startswith("<p>Từ đêm 1/12")
    assert parsed.valid_from is not None
    assert parsed.valid_from.utcoffset() is not None
    assert parsed.contract_version == "1.3"
    assert parsed.payload_sha256 == contract.payload_sha256(raw)
    assert "Tin khẩn cấp" in parsed.comment()


def test_whole_province_when_no_communes() -> None:
    parsed = contract.parse_item(item())
    assert parsed.target_scope == "province"
    assert parsed.communes == ()


def test_payload_hash_ignores_key_order_but_not_content() -> None:
    raw = item()
    reordered = dict(reversed(list(raw.items())))
    assert contract.payload_sha256(reordered) == contract.payload_sha256(raw)
    assert contract.payload_sha256(item(title="Khác")) != contract.payload_sha256(raw)


def test_every_problem_is_reported_in_vietnamese_with_its_path() -> None:
    from nguon.units.models import AdministrativeUnit

    elsewhere = (
        AdministrativeUnit.objects.filter(level="commune", is_current=True)
        .exclude(province_code="19")
        .first()
    )
    errors = _errors(
        item(
            external_id="có dấu cách",
            title="",
            category="khong-co",
            priority="urgent",
            channels=["radio", "fax"],
            valid_from="2026-12-05T08:00:00",  # no offset
            target={"province": "19", "communes": [elsewhere.code, "99999", "123"]},
        )
    )
    assert errors["external_id"].startswith("Mã bản tin")
    assert errors["title"] == "Cần có tiêu đề."
    assert "khong-co" in errors["category"]
    assert errors["priority"].startswith("Mức ưu tiên không hợp lệ")
    assert errors["channels.1"].startswith("Kênh không hợp lệ")
    assert errors["valid_from"] == "Thời điểm phải ghi múi giờ, ví dụ +07:00."
    assert errors["target.communes.0"] == f"{elsewhere.full_name} ({elsewhere.code}) thuộc tỉnh khác."
    assert errors["target.communes.1"] == "Không có xã, phường hiện hành mã 99999."
    assert "5 chữ số" in errors["target.communes.2"]


def test_types_and_missing_fields() -> None:
    raw = item(version="2", attachments={})
    del raw["issuer"]
    errors = _errors(raw)
    assert errors == {
        "version": "Phải là số nguyên.",
        "attachments": "Phải là danh sách (mảng JSON).",
        "issuer": "Thiếu trường bắt buộc.",
    }
    assert _errors(["not", "an", "object"]) == {"": "Mỗi bản tin phải là một đối tượng JSON."}


def test_another_province_and_empty_content_are_refused() -> None:
    errors = _errors(item(target={"province": "01", "communes": []}, body_html="<script>x</script>"))
    assert "không phải tỉnh của hệ thống này (19)" in errors["target.province"]
    assert errors["body_html"] == "Cần có nội dung (body_html) hoặc ít nhất một tệp đính kèm."
    assert _errors(item(valid_until="2026-11-30T08:00:00+07:00"))["valid_until"].startswith("Thời điểm hết")


def test_attachments_only_from_the_central_origin_with_a_hash(settings: Any) -> None:
    good = {"url": "https://ttcs.example.gov.vn/files/a.pdf", "name": "a.pdf", "sha256": "a" * 64, "size": 10}
    assert contract.parse_item(item(attachments=[good])).attachments[0].name == "a.pdf"
    errors = _errors(
        item(
            attachments=[
                {**good, "url": "https://evil.example.com/a.pdf"},
                {**good, "name": "../../etc/", "sha256": "XYZ", "size": 0},
            ]
        )
    )
    assert "chính hệ thống trung ương" in errors["attachments.0.url"]
    assert errors["attachments.1.sha256"].startswith("Cần mã SHA-256")
    assert errors["attachments.1.size"].startswith("Dung lượng tệp")
    settings.NGUON_CENTRAL_URL = ""
    assert "NGUON_CENTRAL_URL" in _errors(item(attachments=[good]))["attachments.0.url"]


@pytest.mark.parametrize("value", ["1", "1.0", "1.7"])
def test_contract_major_one_is_accepted(value: str) -> None:
    assert contract.check_contract(value) == value


@pytest.mark.parametrize("value", ["2", "2.0", "0.9", "", "v1", 1, None])
def test_other_contract_versions_are_refused(value: Any) -> None:
    with pytest.raises(ContractVersionError):
        contract.check_contract(value)


def test_the_documented_schema_matches_the_parser() -> None:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- item-schema -->\s*```json\n(.*?)```", text, re.DOTALL)
    assert block is not None, "docs/integrations/central.md lost its item schema block"
    schema = json.loads(block.group(1))
    assert set(schema["properties"]) == set(contract.ITEM_FIELDS)
    assert set(schema["required"]) == set(contract.REQUIRED_ITEM_FIELDS)


def test_configuration_of_the_central_system(tmp_path: Path) -> None:
    base = {"NGUON_DATA_DIR": str(tmp_path)}
    cfg = config.load(
        {
            **base,
            "NGUON_CENTRAL_URL": "https://ttcs.example.gov.vn/api/",
            "NGUON_CENTRAL_TOKEN": "pull-secret",
            "NGUON_CENTRAL_PUSH_TOKEN": "p" * 40,
        }
    )
    assert cfg.central_url == "https://ttcs.example.gov.vn/api"
    assert "pull-secret" not in repr(cfg)
    assert "p" * 40 not in repr(cfg)
    assert config.load(base).central_url == ""
    with pytest.raises(config.ConfigError) as error:
        config.load(
            {
                **base,
                "NGUON_ENV": "production",
                "NGUON_SECRET_KEY": "k" * 30 + "abcdefghijklmnopqrstuvwxyz",
                "NGUON_ALLOWED_HOSTS": "nguon.example.vn",
                "NGUON_CENTRAL_URL": "http://ttcs.example.gov.vn",
                "NGUON_CENTRAL_PUSH_TOKEN": "short secret",
            }
        )
    problems = "\n".join(error.value.problems)
    assert "NGUON_CENTRAL_URL: must use https://" in problems
    assert "NGUON_CENTRAL_TOKEN: required" in problems
    assert "NGUON_CENTRAL_PUSH_TOKEN: at least 32" in problems
    assert "short secret" not in problems
    with pytest.raises(config.ConfigError) as error:
        config.load({**base, "NGUON_CENTRAL_URL": "ftp://user:pw@x", "NGUON_CENTRAL_TOKEN": "t"})
    assert "pw" not in "\n".join(error.value.problems)
