"""Demo of the public side: more public bulletins, their English and Chinese translations, and comments.

Everything goes through the real services (bulletin workflow, translations, comment intake and
moderation), so the portal, the feeds and the public API show what a province would publish.
"""

from __future__ import annotations

from collections.abc import Callable

from nguon.accounts.models import User
from nguon.comments.choices import CommentStatus
from nguon.comments.intake import submit_comment
from nguon.comments.models import Comment
from nguon.comments.services import approve as approve_comment
from nguon.comments.services import set_comments_enabled
from nguon.content.choices import Channel
from nguon.content.models import Bulletin, Category
from nguon.content.services import bulletins, workflow
from nguon.content.services.bulletins import BulletinInput
from nguon.translations import services as translations
from nguon.translations.models import Translation
from nguon.translations.services import TranslationText
from nguon.units.models import Organisation

FLOOD = "Cảnh báo mưa lớn, nguy cơ lũ quét và sạt lở đất"
FESTIVAL = "Ngày hội Văn hóa, Thể thao các dân tộc tỉnh Thái Nguyên năm 2026"
PUBLIC_SERVICE = "Đăng ký khai sinh, thường trú trực tuyến trên Cổng Dịch vụ công quốc gia"

EXTRA_BULLETINS: list[dict[str, str]] = [
    {
        "title": FESTIVAL,
        "category": "su-kien-quan-trong",
        "summary": "Từ ngày 12 đến 14/12/2026 tại Quảng trường Võ Nguyên Giáp, phường Phan Đình Phùng.",
        "body": (
            "<p>Ngày hội quy tụ gần 1.000 nghệ nhân, vận động viên của các dân tộc Kinh, Tày, Nùng, Dao, Sán "
            "Chay, Sán Dìu, Mông trong tỉnh, với các phần thi hát then, đàn tính, đẩy gậy, kéo co và ẩm thực "
            "truyền thống.</p><p>Khai mạc lúc 19h30 ngày 12/12/2026. Vào cửa tự do.</p>"
        ),
    },
    {
        "title": PUBLIC_SERVICE,
        "category": "kien-thuc",
        "summary": "Người dân không phải đến trụ sở: nộp hồ sơ, nhận kết quả qua mạng và VNeID.",
        "body": (
            "<p>Từ tháng 12/2026, người dân trong tỉnh đăng ký khai sinh, đăng ký thường trú cho trẻ dưới 14 "
            "tuổi qua Cổng Dịch vụ công quốc gia hoặc ứng dụng VNeID, được miễn lệ phí.</p>"
            "<p>Cán bộ tư pháp - hộ tịch của xã, phường hỗ trợ trực tiếp tại bộ phận một cửa.</p>"
        ),
    },
]

TRANSLATIONS: dict[str, dict[str, TranslationText]] = {
    FLOOD: {
        "en": TranslationText(
            title="Warning: heavy rain, risk of flash floods and landslides",
            summary="People in low-lying areas and along rivers and streams should take precautions.",
            body=(
                "<p>From 15:30 on 27 November to the end of 28 November, Thái Nguyên province expects heavy "
                "rain of 50–100 mm. Do not cross fords or spillways when the water rises, and follow the "
                "announcements on your commune's loudspeakers.</p>"
            ),
        ),
        "zh": TranslationText(
            title="暴雨预警：存在山洪和山体滑坡风险",
            summary="低洼地区及沿河沿溪居民请主动做好防范。",
            body="<p>11月27日15时30分至28日全天，太原省将有大到暴雨，雨量普遍为50至100毫米。"
            "水位上涨时请勿涉水通过漫水桥，并留意本乡广播的通知。</p>",
        ),
    },
    FESTIVAL: {
        "en": TranslationText(
            title="Thái Nguyên Ethnic Culture and Sports Festival 2026",
            summary="12–14 December 2026 at Võ Nguyên Giáp Square, Phan Đình Phùng ward.",
            body=(
                "<p>Nearly 1,000 artisans and athletes of the Kinh, Tày, Nùng, Dao, Sán Chay, Sán Dìu and "
                "Mông peoples meet for then singing, tính lute, stick pushing, tug of war and traditional "
                "food.</p><p>Opening at 19:30 on 12 December 2026. Free entry.</p>"
            ),
        ),
        "zh": TranslationText(
            title="2026年太原省各民族文化体育节",
            summary="2026年12月12日至14日在潘庭逢坊武元甲广场举行。",
            body="<p>近千名京族、岱依族、侬族、瑶族、山斋族、山由族和苗族的艺人与运动员将参加天曲演唱、"
            "天琴演奏、推杆、拔河和传统美食等活动。</p><p>开幕式于2026年12月12日19时30分举行，免费入场。</p>",
        ),
    },
}

COMMENTS: list[tuple[str, str, bool]] = [
    ("Nguyễn Thị Lan", "Năm nay có phần thi hát then của các xã vùng cao không ạ?", True),
    ("Hoàng Văn Minh", "Đề nghị bố trí thêm chỗ gửi xe gần quảng trường.", False),
]


def _distribute(spec: dict[str, str]) -> Bulletin:
    author = User.objects.get(username="so.vhttdl")
    data = BulletinInput(
        title=spec["title"],
        category=Category.objects.get(code=spec["category"]),
        summary=spec["summary"],
        body=spec["body"],
        channels=[Channel.RADIO, Channel.EBOARD, Channel.PORTAL, Channel.SOCIAL],
    )
    b = bulletins.create_bulletin(
        actor=author, data=data, organisation=Organisation.objects.get(code="so-vhttdl-19")
    )
    workflow.submit(actor=author, bulletin=b)
    workflow.appraise(actor=User.objects.get(username="bbt.tinh"), bulletin=b, comment="Đạt yêu cầu.")
    approver = User.objects.get(username="pheduyet.tinh")
    approver.is_2fa_verified = True  # the demo loader acts for the approver, as after a TOTP sign-in
    return workflow.approve(actor=approver, bulletin=b)


def load_portal(*, say: Callable[[str], None] = lambda _: None) -> None:
    """Create what is missing of the public demo (matched by title and language)."""
    for spec in EXTRA_BULLETINS:
        if not Bulletin.objects.filter(title=spec["title"]).exists():
            _distribute(spec)
    translator = User.objects.get(username="dich.tinh")
    publisher = User.objects.get(username="bbt.tinh")
    for title, languages in TRANSLATIONS.items():
        bulletin = Bulletin.objects.get(title=title)
        for language, text in languages.items():
            if Translation.objects.filter(bulletin=bulletin, language=language).exists():
                continue
            t = translations.start_translation(actor=translator, bulletin=bulletin, language=language)
            t = translations.save_draft(actor=translator, translation=t, text=text)
            t = translations.submit_for_review(actor=translator, translation=t)
            translations.publish(actor=publisher, translation=t)
    festival = Bulletin.objects.get(title=FESTIVAL)
    set_comments_enabled(actor=publisher, bulletin=festival, enabled=True)
    if not Comment.objects.filter(bulletin=festival).exists():
        for name, said, approved in COMMENTS:
            comment = submit_comment(bulletin=festival, author_name=name, text=said, ip_address="192.0.2.10")
            if approved and comment.status == CommentStatus.PENDING:
                approve_comment(actor=publisher, comment=comment)
    say(
        f"Demo portal: {Translation.objects.count()} translations, "
        f"{Comment.objects.filter(bulletin=festival).count()} comments"
    )
