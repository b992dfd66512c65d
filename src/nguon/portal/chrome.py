"""The portal's interface text ("chrome") in each section's language.

The Vietnamese front page and the English section use gettext (the project's one English catalogue,
``src/nguon/locale/en``); the Chinese section uses the plain dictionary :data:`ZH` (the installation has no
Chinese catalogue). The sections of the province's ethnic languages (Tày, Nùng, Dao, H'Mông, Sán Chay,
Sán Dìu) have a Vietnamese interface: their readers read Vietnamese. Templates read ``t.<key>``; a key
missing from :data:`ZH` falls back to Vietnamese.

Bulletin text keeps its own language: each article carries the BCP 47 tag of its text
(:func:`content_lang`). Tày, Nùng, H'Mông and Sán Chay have ISO 639 codes; Dao and Sán Dìu name more than
one language (Iu Mien ``ium`` / Kim Mun ``mji``; a Yue variety with no code of its own), so their text is
tagged ``und`` with a ``data-language`` giving the section's code (see ``docs/portal.md``).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

#: The section languages with their own name (for the language links) and their HTML ``lang`` value.
SECTION_NAMES = {
    "vi": "Tiếng Việt",
    "en": "English",
    "zh": "中文",
    "tay": "Tiếng Tày",
    "nung": "Tiếng Nùng",
    "dao": "Tiếng Dao",
    "hmong": "Tiếng H'Mông",
    "sanchay": "Tiếng Sán Chay",
    "sandiu": "Tiếng Sán Dìu",
}
#: The language of each section's interface (``<html lang>``): the ethnic sections read Vietnamese.
HTML_LANG = {
    "vi": "vi",
    "en": "en",
    "zh": "zh-Hans",
    "tay": "vi",
    "nung": "vi",
    "dao": "vi",
    "hmong": "vi",
    "sanchay": "vi",
    "sandiu": "vi",
}
#: The BCP 47 tag of text written in an ethnic language (``und``: no single code; see the module doc).
ETHNIC_LANG = {
    "tay": "tyz",  # Tày (ISO 639-3)
    "nung": "nut",  # Nùng (ISO 639-3)
    "hmong": "hmn",  # Hmong, the macrolanguage: H'Mông Đơ (mww) and H'Mông Njua (hnj) share one script
    "sanchay": "mlc",  # Cao Lan, the code Ethnologue gives the Sán Chay nationality
    "dao": "und",  # Iu Mien (ium) or Kim Mun (mji): the code does not say which
    "sandiu": "und",  # a Yue variety without a code of its own; "yue" would claim Cantonese
}
UNDETERMINED = "und"


def content_lang(code: str) -> str:
    """The BCP 47 tag of text in the language ``code`` (a :class:`~nguon.content.choices.Language`)."""
    return ETHNIC_LANG.get(code, code)


def name_lang(code: str) -> str:
    """The language in which :data:`SECTION_NAMES` writes the name of ``code`` (Vietnamese for the
    ethnic languages, whose names are given in Vietnamese)."""
    return code if code in ("vi", "en", "zh") else "vi"


def _gettext_strings() -> dict[str, str]:
    """Every string, through gettext in the active language."""
    return {
        "site": _("Cổng thông tin cơ sở"),
        "tagline": _("Thông tin thiết yếu của tỉnh, xã, phường cho người dân"),
        "skip": _("Bỏ qua điều hướng"),
        "menu": _("Menu"),
        "nav": _("Điều hướng cổng thông tin"),
        "home": _("Trang chủ"),
        "categories": _("Lĩnh vực thông tin"),
        "communes": _("Xã, phường"),
        "feedback_send": _("Gửi phản ánh, kiến nghị"),
        "feedback_answers": _("Trả lời phản ánh đã công bố"),
        "alerts_feed": _("Cảnh báo khẩn cấp (CAP)"),
        "search": _("Tìm kiếm"),
        "search_label": _("Tìm bản tin"),
        "search_button": _("Tìm"),
        "search_title": _("Tìm kiếm bản tin"),
        "search_hint": _("Gõ có dấu hoặc không dấu; bản tin phải chứa mọi từ đã gõ."),
        "results": _("Số bản tin tìm thấy"),
        "no_results": _("Không tìm thấy bản tin nào."),
        "latest": _("Tin mới"),
        "no_items": _("Chưa có bản tin nào."),
        "published": _("Đăng lúc"),
        "updated": _("Cập nhật lúc"),
        "unit": _("Đơn vị ban hành"),
        "category": _("Lĩnh vực"),
        "corrected": _("Bản tin này đã được đính chính; nội dung dưới đây là bản đã đính chính."),
        "translated": _("Bản dịch từ bản gốc"),
        "listen": _("Nghe bản tin"),
        "audio_download": _("Tải tệp âm thanh (MP3)"),
        "other_languages": _("Đọc bằng ngôn ngữ khác"),
        "comments": _("Ý kiến bạn đọc"),
        "comments_noscript": _("Cần bật JavaScript để xem và gửi ý kiến bạn đọc."),
        "prev": _("Trang trước"),
        "next": _("Trang sau"),
        "page": _("Trang"),
        "pages": _("Phân trang"),
        "feeds": _("Nhận tin tự động"),
        "emergency": _("Cảnh báo khẩn cấp"),
        "on_air": _("Đang phát trên loa truyền thanh"),
        "areas": _("Địa bàn"),
        "issued_by": _("Đơn vị phát lệnh"),
        "since": _("Từ lúc"),
        "cap_document": _("Bản tin cảnh báo CAP"),
        "answered": _("Phản ánh, kiến nghị đã được trả lời"),
        "no_answers": _("Chưa có trả lời nào được công bố."),
        "all_answers": _("Xem tất cả trả lời"),
        "feedback_intro": _("Người dân có thể gửi phản ánh, kiến nghị và theo dõi kết quả trả lời."),
        "pick_commune": _("Chọn xã, phường"),
        "see": _("Xem"),
        "commune_news": _("Bản tin của địa phương"),
        "radio_today": _("Chương trình phát thanh hôm nay"),
        "no_radio": _("Hôm nay không có chương trình phát thanh."),
        "boards_now": _("Bảng tin điện tử đang hiển thị"),
        "no_boards": _("Xã, phường chưa có bảng tin điện tử đang hiển thị nội dung."),
        "board_idle": _("Đang hiển thị đồng hồ."),
        "image": _("Hình ảnh"),
        "video": _("Video"),
        "bulletin": _("Bản tin"),
        "read": _("Đọc bản tin"),
        "back_home": _("Về trang chủ"),
        "languages": _("Ngôn ngữ"),
        "ethnic_sections": _("Bản tin bằng tiếng dân tộc"),
        "section_of": _("Chuyên mục"),
        "footer": _("Cổng thông tin cơ sở — thông tin thiết yếu theo Nghị định 49/2024/NĐ-CP."),
        "group_1": _("Chủ trương, chính sách, pháp luật"),
        "group_2": _("Thông tin phục vụ đời sống"),
        "group_3": _("Lãnh đạo, điều hành của địa phương"),
    }


#: The Chinese section's interface (no gettext catalogue; simplified Chinese).
ZH: dict[str, str] = {
    "site": "基层信息门户",
    "tagline": "面向居民的省、乡、坊重要信息",
    "skip": "跳到主要内容",
    "menu": "菜单",
    "nav": "门户导航",
    "home": "首页",
    "categories": "信息领域",
    "communes": "乡、坊",
    "feedback_send": "提交意见建议（越南语）",
    "feedback_answers": "已公布的答复（越南语）",
    "alerts_feed": "紧急警报（CAP）",
    "search": "搜索",
    "search_label": "搜索新闻",
    "search_button": "搜索",
    "search_title": "搜索新闻",
    "search_hint": "新闻须包含输入的所有词语。",
    "results": "找到的新闻数量",
    "no_results": "没有找到新闻。",
    "latest": "最新消息",
    "no_items": "暂无新闻。",
    "published": "发布时间",
    "updated": "更新时间",
    "unit": "发布单位",
    "category": "领域",
    "corrected": "本新闻已更正；以下为更正后的内容。",
    "translated": "译自原文",
    "listen": "收听新闻",
    "audio_download": "下载音频（MP3）",
    "other_languages": "其他语言版本",
    "comments": "读者意见",
    "comments_noscript": "需要启用 JavaScript 才能查看和发表读者意见。",
    "prev": "上一页",
    "next": "下一页",
    "page": "页",
    "pages": "分页",
    "feeds": "订阅",
    "emergency": "紧急警报",
    "on_air": "正在通过广播喇叭播出",
    "areas": "地区",
    "issued_by": "发布单位",
    "since": "开始时间",
    "cap_document": "CAP 警报文件",
    "answered": "已答复的意见建议",
    "no_answers": "暂无已公布的答复。",
    "all_answers": "查看全部答复",
    "feedback_intro": "居民可以提交意见建议并查询答复结果（越南语）。",
    "read": "阅读新闻",
    "back_home": "返回首页",
    "languages": "语言",
    "ethnic_sections": "少数民族语言新闻（越南语界面）",
    "section_of": "栏目",
    "footer": "基层信息门户 — 根据第49/2024/NĐ-CP号议定提供的重要信息。",
}


def strings(language: str) -> dict[str, str]:
    """The interface text of the section ``language`` (Vietnamese for every section but "en" and "zh")."""
    if language not in ("en", "zh"):
        language = "vi"
    if language == "zh":
        with translation.override("vi"):
            base = _gettext_strings()
        return base | ZH
    with translation.override(language):
        return _gettext_strings()
