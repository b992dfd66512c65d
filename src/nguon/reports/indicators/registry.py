"""One table of indicators (REQUIREMENTS: "Indicators the province reports"). ``computed`` ones come from
the system's rows (``indicators/computed.py``); ``entered`` ones are filled in by each commune with a note
of their source. Every indicator is a per-commune count or amount whose province total is the sum."""

from __future__ import annotations

from dataclasses import dataclass

COMPUTED = "computed"
ENTERED = "entered"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    measure: str  # what one unit of the number is: "đài", "cụm", "phút"…
    group: str
    source: str
    integer: bool = True
    note: str = ""


INDICATORS: tuple[Indicator, ...] = (
    Indicator("stations_it", "Đài truyền thanh ứng dụng CNTT-VT", "đài", "Hạ tầng truyền thanh", COMPUTED),
    Indicator("stations_fm", "Đài truyền thanh FM không dây", "đài", "Hạ tầng truyền thanh", COMPUTED),
    Indicator("stations_wired", "Đài truyền thanh có dây", "đài", "Hạ tầng truyền thanh", COMPUTED),
    Indicator("clusters", "Cụm loa ứng dụng CNTT-VT", "cụm", "Hạ tầng truyền thanh", COMPUTED),
    Indicator(
        "clusters_working",
        "Cụm loa hoạt động",
        "cụm",
        "Hạ tầng truyền thanh",
        COMPUTED,
        note="có tín hiệu (heartbeat) trong 7 ngày cuối kỳ",
    ),
    Indicator("eboards", "Bảng tin điện tử công cộng", "bảng", "Bảng tin điện tử", COMPUTED),
    Indicator(
        "eboards_working",
        "Bảng tin điện tử hoạt động",
        "bảng",
        "Bảng tin điện tử",
        COMPUTED,
        note="có tín hiệu (heartbeat) trong 7 ngày cuối kỳ",
    ),
    Indicator("bulletins_produced", "Tin, bài cấp xã sản xuất (đã duyệt)", "tin", "Tin, bài", COMPUTED),
    Indicator("bulletins_received", "Tin, bài cấp trên gửi xuống", "tin", "Tin, bài", COMPUTED),
    Indicator(
        "broadcasts", "Lượt phát trên cụm loa", "lượt", "Phát thanh", COMPUTED, note="từ biên nhận phát"
    ),
    Indicator(
        "broadcast_minutes",
        "Tổng thời lượng phát",
        "phút",
        "Phát thanh",
        COMPUTED,
        integer=False,
        note="từ biên nhận phát",
    ),
    Indicator("emergency_broadcasts", "Lượt phát khẩn cấp", "lượt", "Phát thanh", COMPUTED),
    Indicator(
        "feedback_received", "Phản ánh, kiến nghị tiếp nhận", "phản ánh", "Phản ánh, kiến nghị", COMPUTED
    ),
    Indicator(
        "feedback_handled", "Phản ánh, kiến nghị đã xử lý", "phản ánh", "Phản ánh, kiến nghị", COMPUTED
    ),
    Indicator("feedback_on_time", "Phản ánh xử lý đúng hạn", "phản ánh", "Phản ánh, kiến nghị", COMPUTED),
    Indicator("feedback_overdue", "Phản ánh quá hạn", "phản ánh", "Phản ánh, kiến nghị", COMPUTED),
    Indicator("feedback_aired", "Trả lời được phát trên đài", "trả lời", "Phản ánh, kiến nghị", COMPUTED),
    Indicator(
        "campaigns_assigned",
        "Chiến dịch tuyên truyền được giao (hạn trong kỳ)",
        "chiến dịch",
        "Chiến dịch tuyên truyền",
        COMPUTED,
        note="do cấp trên ban hành, hạn báo cáo trong kỳ",
    ),
    Indicator(
        "campaigns_completed",
        "Chiến dịch tuyên truyền đã hoàn thành",
        "chiến dịch",
        "Chiến dịch tuyên truyền",
        COMPUTED,
        note="mọi đơn vị thực hiện trong xã đã báo cáo trước khi hết kỳ",
    ),
    Indicator("propagandists", "Tuyên truyền viên cơ sở", "người", "Nhân lực", ENTERED),
    Indicator("staff_trained", "Cán bộ được bồi dưỡng, tập huấn", "người", "Nhân lực", ENTERED),
    Indicator("websites", "Trang thông tin điện tử cấp xã", "trang", "Kênh thông tin", ENTERED),
)

_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def by_code(code: str) -> Indicator:
    return _BY_CODE[code]
