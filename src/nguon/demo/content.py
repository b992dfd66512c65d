"""Demo bulletins: one waiting for the editorial board, one distributed province-wide (in every commune's
inbox), one commune draft — written and moved through the real services by the demo accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from nguon.accounts.models import User
from nguon.content.choices import CampaignChannel, Channel, Priority, TargetScope
from nguon.content.models import Bulletin, Campaign, Category
from nguon.content.services import bulletins, campaigns, workflow
from nguon.content.services.bulletins import BulletinInput
from nguon.demo.data import COMMUNE
from nguon.units.models import AdministrativeUnit, Organisation

DEPARTMENT = "so-vhttdl-19"

BULLETINS: list[dict[str, object]] = [
    {
        "author": "so.vhttdl",
        "title": "Tuyên truyền Đề án phát triển báo chí, thông tin, truyền thông tỉnh đến năm 2030",
        "category": "chinh-sach-phap-luat",
        "summary": "Nội dung chính của Quyết định 614/QĐ-UBND ngày 19/3/2024 của UBND tỉnh.",
        "body": (
            "<p>Ngày 19/3/2024, UBND tỉnh ban hành Quyết định 614/QĐ-UBND phê duyệt Đề án phát triển báo chí, "
            "thông tin, truyền thông tỉnh Thái Nguyên đến năm 2030, tầm nhìn đến năm 2045.</p>"
            "<p>Mục tiêu đến năm 2030: 100% xã, phường có đài truyền thanh ứng dụng CNTT-VT; 100% đơn vị cấp xã "
            "có bảng tin điện tử công cộng kết nối với hệ thống thông tin nguồn.</p>"
        ),
        "channels": [Channel.RADIO, Channel.EBOARD, Channel.PORTAL],
        "stop_at": "submitted",
    },
    {
        "author": "so.vhttdl",
        "title": "Cảnh báo mưa lớn, nguy cơ lũ quét và sạt lở đất",
        "category": "thien-tai-dich-benh",
        "summary": "Người dân vùng trũng, ven sông suối chủ động phòng tránh.",
        "body": (
            "<p>Từ 15h30 ngày 27/11 đến hết ngày 28/11, khu vực tỉnh Thái Nguyên có mưa to, lượng mưa phổ biến "
            "50 - 100 mm. Đề nghị người dân không qua ngầm, tràn khi nước dâng cao; theo dõi thông tin trên loa "
            "truyền thanh của xã.</p>"
        ),
        "priority": Priority.PRIORITY,
        "channels": [Channel.RADIO, Channel.EBOARD, Channel.PORTAL, Channel.SOCIAL],
        "stop_at": "distributed",
    },
    {
        "author": "dinhhoa.bientap",
        "title": "Thông báo lịch tiêm chủng mở rộng tháng 12",
        "category": "thien-tai-dich-benh",
        "summary": "Trạm y tế xã Định Hóa tổ chức tiêm chủng cho trẻ dưới 5 tuổi.",
        "body": "<p>Thời gian: 7h30 ngày 5/12/2026 tại Trạm y tế xã. Phụ huynh mang theo sổ tiêm chủng.</p>",
        "target_scope": TargetScope.COMMUNES,
        "channels": [Channel.RADIO],
        "stop_at": "draft",
    },
]


CAMPAIGN_TITLE = "Tuyên truyền Quyết định 614/QĐ-UBND tới các thôn, tổ dân phố"


def load_campaign(*, say: Callable[[str], None] = lambda _: None) -> None:
    """The seed case: xã Định Hóa relays the provincial decision to its residential groups; one reports."""
    if Campaign.objects.filter(title=CAMPAIGN_TITLE).exists():
        return
    issuer = User.objects.get(username="dinhhoa.bientap")
    commune = AdministrativeUnit.objects.get(code=COMMUNE, is_current=True, level="commune")
    groups = list(AdministrativeUnit.objects.filter(parent=commune, level="residential").order_by("code"))
    today = timezone.localdate()
    campaign = campaigns.create_campaign(
        issuer,
        unit=commune,
        title=CAMPAIGN_TITLE,
        reference="614/QĐ-UBND",
        directive=(
            "<p>Đề nghị các thôn, tổ dân phố tuyên truyền nội dung Quyết định 614/QĐ-UBND ngày 19/3/2024 của "
            "UBND tỉnh qua loa truyền thanh, nhóm Zalo và họp dân; báo cáo kết quả trước hạn.</p>"
        ),
        channels=[CampaignChannel.LOUDSPEAKER, CampaignChannel.ZALO, CampaignChannel.MEETING],
        deadline=today + timedelta(days=14),
        targets=groups,
    )
    campaigns.issue_campaign(issuer, campaign)
    first = campaign.targets.order_by("unit__path").first()
    if first is not None:
        campaigns.submit_report(
            issuer,
            first,
            channel=CampaignChannel.LOUDSPEAKER,
            done_on=today,
            audience=350,
            note="Phát 2 buổi sáng.",
        )
    say(f"Demo campaign: {campaign.targets.count()} residential groups")


def load_content(*, say: Callable[[str], None] = lambda _: None) -> int:
    """Create the demo bulletins that are missing (matched by title); returns how many were created."""
    created = 0
    for spec in BULLETINS:
        if Bulletin.objects.filter(title=spec["title"]).exists():
            continue
        author = User.objects.get(username=spec["author"])
        organisation = Organisation.objects.get(code=DEPARTMENT) if spec["author"] == "so.vhttdl" else None
        data = BulletinInput(
            title=str(spec["title"]),
            category=Category.objects.get(code=spec["category"]),
            summary=str(spec["summary"]),
            body=str(spec["body"]),
            priority=str(spec.get("priority", Priority.NORMAL)),
            target_scope=str(spec.get("target_scope", TargetScope.PROVINCE)),
            channels=[str(c) for c in spec["channels"]],  # type: ignore[attr-defined]
        )
        b = bulletins.create_bulletin(actor=author, data=data, organisation=organisation)
        created += 1
        if spec["stop_at"] == "draft":
            continue
        workflow.submit(actor=author, bulletin=b)
        if spec["stop_at"] == "submitted":
            continue
        workflow.appraise(
            actor=User.objects.get(username="bbt.tinh"), bulletin=b, comment="Nội dung đạt yêu cầu."
        )
        approver = User.objects.get(username="pheduyet.tinh")
        approver.is_2fa_verified = True  # the demo loader acts for the approver, as after a TOTP sign-in
        workflow.approve(actor=approver, bulletin=b)
    say(f"Demo bulletins: {Bulletin.objects.count()}")
    load_campaign(say=say)
    return created
