"""Contract v1 with the central source system: one bulletin item, parsed, checked and mapped here.

The contract is documented in docs/integrations/central.md. This module turns one item (a JSON object,
pulled or pushed) into a :class:`CentralItem`: text in NFC, HTML sanitised, the category resolved from a
current (NĐ 49/2024) or legacy (QĐ 52/2016) code, commune codes (QĐ 19/2025) resolved to current communes
of this installation's province. Every problem is reported at once, in Vietnamese, with the path of the
field inside the item (``target.communes.1``), as :class:`ItemInvalidError`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from nguon.content import files, html
from nguon.content.choices import Channel, Language, Priority, TargetScope
from nguon.content.models import Bulletin, Category, LegacyCategory
from nguon.content.services.bulletins import BulletinInput
from nguon.core.text import nfc
from nguon.units.choices import UnitLevel
from nguon.units.models import AdministrativeUnit

#: The contract this code speaks: a ``contract`` value with another major version is refused.
CONTRACT_MAJOR = 1
CONTRACT_VERSION = "1"

MAX_TITLE = 300
MAX_SUMMARY = 2000
MAX_BODY = 500_000
MAX_COMMUNES = 500
MAX_ATTACHMENTS = 10
MAX_NAME = 255

_EXTERNAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}")
_CONTRACT = re.compile(r"(\d{1,3})(?:\.(\d{1,3}))?")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_COMMUNE_CODE = re.compile(r"\d{5}")


class ContractVersionError(Exception):
    """The ``contract`` field is missing or names a major version this code does not speak."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldError:
    """One problem with one field; ``field`` is the dotted path inside the item ("" for the item itself)."""

    field: str
    message: str


class ItemInvalidError(Exception):
    """An item that breaks the contract; ``errors`` lists every problem found."""

    def __init__(self, errors: list[FieldError], *, external_id: str = "") -> None:
        super().__init__("; ".join(f"{e.field or 'item'}: {e.message}" for e in errors))
        self.errors = errors
        self.external_id = external_id


@dataclass(frozen=True)
class AttachmentRef:
    """A file the central system offers for download (checked against ``sha256`` and ``size``)."""

    url: str
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Issuer:
    name: str
    code: str


@dataclass(frozen=True)
class CentralItem:
    """One valid item, ready for the intake service; ``body`` is sanitised HTML."""

    external_id: str
    version: int
    updated_at: datetime
    title: str
    summary: str
    body: str
    category: Category
    language: str
    priority: str
    target_scope: str
    communes: tuple[AdministrativeUnit, ...]
    channels: tuple[str, ...]
    valid_from: datetime | None
    valid_until: datetime | None
    attachments: tuple[AttachmentRef, ...]
    issuer: Issuer
    contract_version: str
    payload_sha256: str

    def as_input(self) -> BulletinInput:
        """What the bulletin services take."""
        return BulletinInput(
            title=self.title,
            category=self.category,
            body=self.body,
            summary=self.summary,
            language=self.language,
            priority=self.priority,
            target_scope=self.target_scope,
            targets=list(self.communes),
            channels=list(self.channels),
            valid_from=self.valid_from,
            valid_until=self.valid_until,
        )

    def differences(self, bulletin: Bulletin) -> list[str]:
        """Names of the fields of ``bulletin`` that this item would change."""
        stored = sorted((a.blob.sha256, a.original_name) for a in bulletin.attachments.select_related("blob"))
        targets = sorted(bulletin.targets.values_list("pk", flat=True))
        pairs: dict[str, tuple[Any, Any]] = {
            "title": (bulletin.title, self.title),
            "summary": (bulletin.summary, self.summary),
            "body": (bulletin.body, html.sanitise(self.body)),
            "category": (bulletin.category_id, self.category.pk),
            "language": (bulletin.language, self.language),
            "priority": (bulletin.priority, self.priority),
            "target_scope": (bulletin.target_scope, self.target_scope),
            "targets": (targets, sorted(u.pk for u in self.communes)),
            "channels": (list(bulletin.channels), list(self.channels)),
            "valid_from": (bulletin.valid_from, self.valid_from),
            "valid_until": (bulletin.valid_until, self.valid_until),
            "attachments": (stored, sorted((r.sha256, r.name) for r in self.attachments)),
        }
        return [name for name, (now, new) in pairs.items() if now != new]

    def comment(self) -> str:
        """The workflow comment: who issued it, which version (and that an emergency still waits)."""
        text = (
            f"Nhận từ hệ thống trung ương: {self.issuer.name} ({self.issuer.code}), phiên bản {self.version}."
        )
        if self.priority == Priority.EMERGENCY:
            text += " Tin khẩn cấp: vẫn qua ban biên tập thẩm định như tin khác."
        return text[:300]

    def facts(self, channel: str) -> dict[str, Any]:
        """What the audit trail records about this item."""
        return {
            "external_id": self.external_id,
            "version": self.version,
            "updated_at": self.updated_at.isoformat(),
            "payload_sha256": self.payload_sha256,
            "contract": self.contract_version,
            "channel": channel,
            "issuer": {"name": self.issuer.name, "code": self.issuer.code},
            "priority": self.priority,
            "attachments": [{"name": r.name, "sha256": r.sha256, "size": r.size} for r in self.attachments],
        }


# -- structure (types) ----------------------------------------------------------------------------------


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)  # fields added by a later 1.x are ignored


class _AttachmentIn(_Shape):
    url: str
    name: str
    sha256: str
    size: int


class _IssuerIn(_Shape):
    name: str
    code: str


class _TargetIn(_Shape):
    province: str
    communes: list[str] = Field(default_factory=list)


class _ItemIn(_Shape):
    external_id: str
    version: int
    updated_at: str
    title: str
    summary: str = ""
    body_html: str = ""
    category: str
    language: str = Language.VI.value
    priority: str = Priority.NORMAL.value
    target: _TargetIn
    channels: list[str] = Field(default_factory=lambda: [Channel.RADIO.value])
    valid_from: str | None = None
    valid_until: str | None = None
    attachments: list[_AttachmentIn] = Field(default_factory=list)
    issuer: _IssuerIn


#: Field names of the item, for the documentation's drift test.
ITEM_FIELDS = tuple(_ItemIn.model_fields)
REQUIRED_ITEM_FIELDS = tuple(name for name, f in _ItemIn.model_fields.items() if f.is_required())

_TYPE_MESSAGES = {
    "missing": "Thiếu trường bắt buộc.",
    "string_type": "Phải là chuỗi ký tự.",
    "int_type": "Phải là số nguyên.",
    "int_parsing": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "list_type": "Phải là danh sách (mảng JSON).",
    "model_type": "Phải là đối tượng JSON.",
    "model_attributes_type": "Phải là đối tượng JSON.",
    "dict_type": "Phải là đối tượng JSON.",
    "json_invalid": "Không phải JSON hợp lệ.",
}


def _structure_errors(error: PydanticValidationError) -> list[FieldError]:
    found = []
    for e in error.errors(include_url=False):
        path = ".".join(str(p) for p in e.get("loc", ()))
        found.append(FieldError(path, _TYPE_MESSAGES.get(e.get("type", ""), "Giá trị không hợp lệ.")))
    return found


# -- the public entry points ----------------------------------------------------------------------------


def check_contract(value: object) -> str:
    """``value`` if it is a contract version whose major we speak ("1", "1.2"); otherwise raise."""
    match = _CONTRACT.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ContractVersionError('Trường "contract" phải là chuỗi phiên bản hợp đồng, ví dụ "1".')
    if int(match.group(1)) != CONTRACT_MAJOR:
        raise ContractVersionError(
            f"Hợp đồng phiên bản {value} không được hỗ trợ; Nguồn chỉ hiểu phiên bản {CONTRACT_MAJOR}.x."
        )
    return str(value)


def payload_sha256(raw: object) -> str:
    """SHA-256 of the item's canonical JSON (keys sorted, no spaces, UTF-8): what idempotency compares."""
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def external_id_of(raw: object) -> str:
    """The item's ``external_id`` if it has a usable one (for error reports about invalid items)."""
    value = raw.get("external_id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and _EXTERNAL_ID.fullmatch(value) else ""


def parse_item(raw: object, *, contract_version: str = CONTRACT_VERSION) -> CentralItem:
    """Validate and map one item; raise :class:`ItemInvalidError` listing every problem."""
    external_id = external_id_of(raw)
    if not isinstance(raw, dict):
        raise ItemInvalidError([FieldError("", "Mỗi bản tin phải là một đối tượng JSON.")])
    try:
        shape = _ItemIn.model_validate_json(json.dumps(raw, ensure_ascii=False))
    except PydanticValidationError as error:
        raise ItemInvalidError(_structure_errors(error), external_id=external_id) from None
    errors: list[FieldError] = []
    item = _map(shape, errors, contract_version=contract_version, sha256=payload_sha256(raw))
    if errors or item is None:
        raise ItemInvalidError(errors, external_id=external_id)
    return item


# -- meaning (values, lookups) --------------------------------------------------------------------------


def _map(
    shape: _ItemIn, errors: list[FieldError], *, contract_version: str, sha256: str
) -> CentralItem | None:
    def err(field: str, message: str) -> None:
        errors.append(FieldError(field, message))

    if not _EXTERNAL_ID.fullmatch(shape.external_id):
        err("external_id", "Mã bản tin gồm 1–128 ký tự chữ, số và . _ : - (bắt đầu bằng chữ hoặc số).")
    if shape.version < 1:
        err("version", "Số phiên bản phải từ 1 trở lên.")
    title, summary, body = _texts(shape, err)
    category = _category(shape.category, err)
    if shape.language not in Language.values:
        err("language", f"Ngôn ngữ không hợp lệ; nhận: {', '.join(Language.values)}.")
    if shape.priority not in Priority.values:
        err("priority", f"Mức ưu tiên không hợp lệ; nhận: {', '.join(Priority.values)}.")
    communes = _communes(shape.target, err)
    channels = tuple(dict.fromkeys(shape.channels))
    if not channels:
        err("channels", "Cần ít nhất một kênh.")
    for i, channel in enumerate(shape.channels):
        if channel not in Channel.values:
            err(f"channels.{i}", f"Kênh không hợp lệ; nhận: {', '.join(Channel.values)}.")
    updated_at = _moment(shape.updated_at, "updated_at", err)
    valid_from = _moment(shape.valid_from, "valid_from", err)
    valid_until = _moment(shape.valid_until, "valid_until", err)
    if valid_from and valid_until and valid_until <= valid_from:
        err("valid_until", "Thời điểm hết hiệu lực phải sau thời điểm bắt đầu hiệu lực.")
    attachments = _attachments(shape.attachments, err)
    if not html.to_text(body).strip() and not shape.attachments:
        err("body_html", "Cần có nội dung (body_html) hoặc ít nhất một tệp đính kèm.")
    issuer = Issuer(name=nfc(shape.issuer.name), code=nfc(shape.issuer.code))
    if not issuer.name or len(issuer.name) > MAX_NAME:
        err("issuer.name", f"Cần tên cơ quan ban hành (tối đa {MAX_NAME} ký tự).")
    if not issuer.code or len(issuer.code) > 64:
        err("issuer.code", "Cần mã cơ quan ban hành (tối đa 64 ký tự).")
    if errors or category is None or updated_at is None:
        return None
    return CentralItem(
        external_id=shape.external_id,
        version=shape.version,
        updated_at=updated_at,
        title=title,
        summary=summary,
        body=body,
        category=category,
        language=shape.language,
        priority=shape.priority,
        target_scope=TargetScope.COMMUNES if communes else TargetScope.PROVINCE,
        communes=communes,
        channels=channels,
        valid_from=valid_from,
        valid_until=valid_until,
        attachments=attachments,
        issuer=issuer,
        contract_version=contract_version,
        payload_sha256=sha256,
    )


def _moment(value: str | None, name: str, err: Any) -> datetime | None:
    """An ISO 8601 date and time that states its offset (``+07:00`` or ``Z``)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        err(name, "Phải là thời điểm ISO 8601, ví dụ 2026-12-05T07:00:00+07:00.")
        return None
    if moment.utcoffset() is None:
        err(name, "Thời điểm phải ghi múi giờ, ví dụ +07:00.")
        return None
    return moment


def _texts(shape: _ItemIn, err: Any) -> tuple[str, str, str]:
    """Title and summary in NFC, the body as sanitised HTML."""
    title = nfc(shape.title)
    if not title:
        err("title", "Cần có tiêu đề.")
    elif len(title) > MAX_TITLE:
        err("title", f"Tiêu đề dài tối đa {MAX_TITLE} ký tự.")
    summary = nfc(shape.summary)
    if len(summary) > MAX_SUMMARY:
        err("summary", f"Tóm tắt dài tối đa {MAX_SUMMARY} ký tự.")
    if len(shape.body_html) > MAX_BODY:
        err("body_html", f"Nội dung dài tối đa {MAX_BODY} ký tự.")
        return title, summary, ""
    return title, summary, html.sanitise(shape.body_html)


def _category(code: str, err: Any) -> Category | None:
    category = Category.objects.filter(code=code).first()
    if category is None:
        legacy = LegacyCategory.objects.select_related("category").filter(code=code).first()
        category = legacy.category if legacy is not None else None
    if category is None:
        err("category", f"Không có lĩnh vực mã “{code}” (theo NĐ 49/2024 hoặc mã cũ theo QĐ 52/2016).")
        return None
    if not category.is_active:
        err("category", f"Lĩnh vực “{category.name}” đã ngừng sử dụng.")
        return None
    return category


def _communes(target: _TargetIn, err: Any) -> tuple[AdministrativeUnit, ...]:
    province: str = settings.NGUON_PROVINCE_CODE
    if target.province != province:
        err(
            "target.province",
            f"Bản tin dành cho tỉnh mã “{target.province}”, không phải tỉnh của hệ thống này ({province}).",
        )
        return ()
    codes = list(dict.fromkeys(target.communes))
    if len(codes) > MAX_COMMUNES:
        err("target.communes", f"Tối đa {MAX_COMMUNES} xã, phường.")
        return ()
    current = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, is_current=True, code__in=codes)
    by_code = {u.code: u for u in current}
    found: list[AdministrativeUnit] = []
    for i, code in enumerate(target.communes):
        unit = by_code.get(code)
        if not _COMMUNE_CODE.fullmatch(code):
            err(f"target.communes.{i}", f"Mã xã, phường “{code}” phải gồm 5 chữ số (QĐ 19/2025).")
        elif unit is None:
            err(f"target.communes.{i}", f"Không có xã, phường hiện hành mã {code}.")
        elif unit.province_code != province:
            err(f"target.communes.{i}", f"{unit.full_name} ({code}) thuộc tỉnh khác.")
        elif unit not in found:
            found.append(unit)
    return tuple(found)


def _attachments(refs: list[_AttachmentIn], err: Any) -> tuple[AttachmentRef, ...]:
    if len(refs) > MAX_ATTACHMENTS:
        err("attachments", f"Tối đa {MAX_ATTACHMENTS} tệp đính kèm.")
        return ()
    origin = origin_of(settings.NGUON_CENTRAL_URL)
    limit = files.largest_limit()
    result = []
    for i, ref in enumerate(refs):
        where = f"attachments.{i}"
        if origin is None:
            err(f"{where}.url", "Chưa cấu hình NGUON_CENTRAL_URL nên không tải được tệp đính kèm.")
        elif origin_of(ref.url) != origin:
            err(f"{where}.url", f"Tệp đính kèm phải tải từ chính hệ thống trung ương ({origin}).")
        name = nfc(PurePosixPath(ref.name.replace("\\", "/")).name)[:MAX_NAME]
        if not name:
            err(f"{where}.name", "Cần tên tệp.")
        if not _SHA256.fullmatch(ref.sha256):
            err(f"{where}.sha256", "Cần mã SHA-256 của tệp (64 chữ số hệ 16, chữ thường).")
        if not 0 < ref.size <= limit:
            err(f"{where}.size", f"Dung lượng tệp phải từ 1 byte đến {limit // files.MB} MB.")
        result.append(AttachmentRef(url=ref.url, name=name, sha256=ref.sha256, size=ref.size))
    return tuple(result)


def origin_of(url: str) -> str | None:
    """``scheme://host:port`` of an http(s) URL (the port made explicit), or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.hostname}:{port or (443 if parts.scheme == 'https' else 80)}"
