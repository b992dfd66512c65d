"""The content of Quyết định 614/QĐ-UBND of UBND tỉnh Thái Nguyên (19/3/2024): its quantified targets
(mục 1.2) and the ten tasks of its annex, as plain data; ``seed.py`` loads them.

Lead and partner organisations are given by organisation code (linked when present on the system). The
former district People's Committees (UBND cấp huyện, abolished 1/7/2025) are read as the communes of the
province (``province_leads`` / ``province_partners``). The scanned annex is cut for tasks 9 and 10: their
funding and period are not legible and are given as state budget (local) and other lawful sources,
2024–2030, marked "(theo bản quét không đầy đủ)".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from nguon.plan614.choices import FundingSource as F
from nguon.plan614.choices import MeasureMethod as M
from nguon.plan614.choices import MeasureUnit as U

GRASSROOTS = "1.2.6. Thông tin cơ sở"
PRESS_DX = "1.2.4. Chuyển đổi số báo chí"
RADIO_TV = "1.2.2. Phát thanh, truyền hình"
PRINT = "1.2.1. Báo in"
ONLINE = "1.2.3. Báo điện tử, trang TTĐT và mạng xã hội"
FOREIGN = "1.2.5. Thông tin đối ngoại"

# code, section, horizon, unit, target value, method, computed key, wording
TARGETS: list[tuple[str, str, int, str, str, str, str, str]] = [
    (
        "ttcs-dai-cntt",
        GRASSROOTS,
        2030,
        U.PERCENT,
        "100",
        M.COMPUTED,
        "communes_it_radio",
        "100% xã, phường, thị trấn có hệ thống đài truyền thanh ứng dụng công nghệ thông tin - viễn thông",
    ),
    (
        "ttcs-cum-loa",
        GRASSROOTS,
        2030,
        U.PERCENT,
        "100",
        M.COMPUTED,
        "communes_cluster_working",
        (
            "Đài truyền thanh ứng dụng CNTT-VT cung cấp đầy đủ thông tin thiết yếu đến thôn, bản, tổ dân phố "
            "(đo bằng tỷ lệ xã có cụm loa CNTT-VT đang hoạt động)"
        ),
    ),
    (
        "ttcs-bang-tin",
        GRASSROOTS,
        2030,
        U.PERCENT,
        "100",
        M.COMPUTED,
        "communes_eboard_working",
        (
            "100% cấp huyện (nay là cấp xã) có bảng tin điện tử công cộng cỡ lớn (màn hình LED, LCD) được kết nối "
            "với Hệ thống thông tin nguồn cấp tỉnh"
        ),
    ),
    (
        "ttcs-so-nganh",
        GRASSROOTS,
        2030,
        U.PERCENT,
        "100",
        M.ENTERED,
        "",
        (
            "100% các sở, ngành cấp tỉnh và cấp huyện cung cấp thông tin thiết yếu thuộc lĩnh vực quản lý trên "
            "Hệ thống thông tin nguồn cấp tỉnh"
        ),
    ),
    (
        "ttcs-thiet-yeu",
        GRASSROOTS,
        2030,
        U.PERCENT,
        "100",
        M.ENTERED,
        "",
        (
            "100% thông tin thiết yếu phổ biến đến người dân trên địa bàn tỉnh được cung cấp trên Hệ thống thông "
            "tin nguồn cấp tỉnh"
        ),
    ),
    (
        "ttcs-phan-anh",
        GRASSROOTS,
        2030,
        U.PERCENT,
        "100",
        M.COMPUTED,
        "feedback_handled_share",
        (
            "100% ý kiến phản ánh của người dân về hiệu quả thực thi chính sách, pháp luật ở cơ sở được tiếp nhận, "
            "xử lý trên Hệ thống thông tin nguồn cấp tỉnh"
        ),
    ),
    (
        "ttcs-dung-han",
        GRASSROOTS,
        2030,
        U.PERCENT,
        "100",
        M.COMPUTED,
        "feedback_on_time_share",
        "Ý kiến phản ánh được trả lời đúng hạn (chỉ số theo dõi kèm mục tiêu xử lý 100% phản ánh)",
    ),
    (
        "ttcs-can-bo",
        GRASSROOTS,
        2030,
        U.PERCENT,
        "100",
        M.ENTERED,
        "",
        (
            "100% cán bộ làm công tác thông tin cơ sở cấp huyện và cấp xã được đào tạo, nâng cao năng lực, trình "
            "độ chuyên môn, nghiệp vụ"
        ),
    ),
    (
        "bc-nen-tang-so",
        PRESS_DX,
        2030,
        U.PERCENT,
        "100",
        M.ENTERED,
        "",
        "100% cơ quan báo chí, thông tin, truyền thông đưa nội dung lên các nền tảng số",
    ),
    (
        "bc-phan-tich-ai",
        PRESS_DX,
        2030,
        U.PERCENT,
        "100",
        M.ENTERED,
        "",
        (
            "100% cơ quan thông tin, báo chí sử dụng nền tảng phân tích, xử lý dữ liệu tổng hợp tập trung, ứng "
            "dụng trí tuệ nhân tạo"
        ),
    ),
    (
        "bc-hoi-tu",
        PRESS_DX,
        2030,
        U.PERCENT,
        "100",
        M.ENTERED,
        "",
        "100% cơ quan báo chí hoạt động, vận hành mô hình tòa soạn hội tụ",
    ),
    (
        "bc-doanh-thu",
        PRESS_DX,
        2030,
        U.PERCENT,
        "50",
        M.ENTERED,
        "",
        "50% cơ quan báo chí tăng doanh thu tối thiểu 20%",
    ),
    (
        "bc-dao-tao",
        PRESS_DX,
        2030,
        U.PERCENT,
        "100",
        M.ENTERED,
        "",
        "100% lãnh đạo, cán bộ, phóng viên, biên tập viên các cơ quan báo chí được đào tạo kỹ năng số",
    ),
    (
        "bc-attt-cap-3",
        PRESS_DX,
        2030,
        U.PERCENT,
        "100",
        M.ENTERED,
        "",
        "100% cơ quan thông tin, báo chí có giải pháp bảo đảm an toàn hệ thống thông tin cấp độ 3 trở lên",
    ),
    (
        "ptth-trong-nuoc",
        RADIO_TV,
        2030,
        U.PERCENT,
        "70",
        M.ENTERED,
        "",
        "Thời lượng chương trình sản xuất trong nước đạt tối thiểu 70% tổng thời lượng phát sóng trong ngày",
    ),
    (
        "ptth-tu-san-xuat",
        RADIO_TV,
        2030,
        U.PERCENT,
        "30",
        M.ENTERED,
        "",
        "Thời lượng chương trình tự sản xuất mới đạt tối thiểu 30% thời lượng chương trình sản xuất trong nước",
    ),
    (
        "bi-vung-dtts",
        PRINT,
        2030,
        U.PERCENT,
        "100",
        M.ENTERED,
        "",
        "100% xóm, bản, khu dân cư vùng dân tộc thiểu số và miền núi được tiếp cận báo in thiết yếu",
    ),
    (
        "ttdt-co-quan",
        ONLINE,
        2030,
        U.PERCENT,
        "100",
        M.ENTERED,
        "",
        (
            "100% cơ quan hành chính nhà nước sử dụng cổng/trang thông tin điện tử và mạng xã hội để tuyên truyền, "
            "tiếp nhận và phản hồi ý kiến người dân"
        ),
    ),
    (
        "tddn-dao-tao",
        FOREIGN,
        2030,
        U.PERCENT,
        "100",
        M.ENTERED,
        "",
        "100% cán bộ, phóng viên, biên tập viên lĩnh vực thông tin đối ngoại được đào tạo, nâng cao trình độ",
    ),
    (
        "bi-ai-2045",
        PRINT,
        2045,
        U.PERCENT,
        "30",
        M.ENTERED,
        "",
        "Thông tin báo chí sản xuất bằng ứng dụng trí tuệ nhân tạo chiếm 30–50% số tin, bài đăng phát",
    ),
    (
        "ptth-di-dong-2045",
        RADIO_TV,
        2045,
        U.PERCENT,
        "80",
        M.ENTERED,
        "",
        "80% nghe, xem phát thanh, truyền hình trên thiết bị di động thông minh, internet TV",
    ),
]


@dataclass(frozen=True)
class TaskSeed:
    number: int
    title: str
    description: str
    lead_text: str
    partner_text: str
    funding: tuple[str, ...]
    start: date
    end: date
    period_text: str
    leads: tuple[str, ...] = ()  # organisation codes
    partners: tuple[str, ...] = ()
    province_leads: bool = False  # UBND cấp huyện (now the communes) lead
    province_partners: bool = False


PRESS = ("bao-thainguyen", "dai-ptth-thainguyen")
NSNN = (F.STATE_LOCAL,)
NSNN_XHH = (F.STATE_LOCAL, F.SOCIALISATION, F.OTHER)

TASKS: list[TaskSeed] = [
    TaskSeed(
        1,
        "Xây dựng cơ chế chính sách trong lĩnh vực báo chí, thông tin, truyền thông",
        "Xây dựng và ban hành các văn bản cụ thể hóa chiến lược phát triển báo chí, thông tin, truyền "
        "thông của Trung ương phù hợp với điều kiện, yêu cầu, nhiệm vụ của tỉnh; xây dựng chương trình, "
        "đề án, dự án, kế hoạch dài hạn và hằng năm.",
        "Sở Thông tin và Truyền thông",
        "Các Sở, ban, ngành, UBND cấp huyện, các cơ quan báo chí của tỉnh và các cơ quan, đơn vị liên quan",
        NSNN,
        date(2024, 3, 19),
        date(2030, 12, 31),
        "Hằng năm",
        leads=("so-tttt-19",),
        partners=PRESS,
        province_partners=True,
    ),
    TaskSeed(
        2,
        "Nhà nước đặt hàng thông tin báo chí thiết yếu",
        "Sở Thông tin và Truyền thông đặt hàng các cơ quan báo chí thực hiện các sản phẩm báo chí tuyên "
        "truyền thông tin thiết yếu và nhiệm vụ chính trị.",
        "Sở Thông tin và Truyền thông (do UBND tỉnh giao nhiệm vụ tổ chức thực hiện theo quy định)",
        "Sở Kế hoạch và Đầu tư, Sở Tài chính và các cơ quan báo chí",
        NSNN,
        date(2026, 1, 1),
        date(2030, 12, 31),
        "2026–2030",
        leads=("so-tttt-19",),
        partners=PRESS,
    ),
    TaskSeed(
        3,
        "Nghiên cứu hợp nhất cơ quan báo chí theo hướng hội tụ, đa phương tiện, đa nền tảng",
        "Từ năm 2030, nghiên cứu, tham mưu trình cấp có thẩm quyền xem xét, quyết định việc tổ chức lại, "
        "sáp nhập, hợp nhất các cơ quan báo chí.",
        "Sở Nội vụ",
        "Sở Thông tin và Truyền thông, Sở Kế hoạch và Đầu tư, Sở Tài chính; Báo Thái Nguyên; Đài Phát "
        "thanh - Truyền hình tỉnh; Tạp chí Văn nghệ Thái Nguyên; các cơ quan, đơn vị liên quan",
        NSNN,
        date(2030, 1, 1),
        date(2045, 12, 31),
        "2030–2045",
        leads=("so-noivu-19",),
        partners=("so-tttt-19", *PRESS),
    ),
    TaskSeed(
        4,
        "Chuyển đổi số báo chí, thông tin, truyền thông",
        "Đổi mới công nghệ sản xuất và phân phối nội dung; bảo đảm an toàn thông tin, an ninh mạng; xây "
        "dựng hệ thống tác nghiệp hội tụ, đa phương tiện, đa nền tảng; nắm bắt dư luận, tự động phân phối "
        "nội dung theo cá nhân hóa.",
        "Báo Thái Nguyên; Đài Phát thanh - Truyền hình tỉnh; Tạp chí Văn nghệ Thái Nguyên; Trung tâm "
        "Thông tin tỉnh, các sở, ngành, địa phương, đơn vị trên địa bàn",
        "Sở Thông tin và Truyền thông; Sở Kế hoạch và Đầu tư; Sở Tài chính",
        NSNN_XHH,
        date(2024, 3, 19),
        date(2030, 12, 31),
        "2024–2030",
        leads=PRESS,
        partners=("so-tttt-19",),
        province_leads=True,
    ),
    TaskSeed(
        5,
        "Phát triển thông tin cơ sở",
        "Tổ chức thiết lập hệ thống truyền thanh cấp xã ứng dụng công nghệ thông tin - viễn thông; nâng "
        "cấp Hệ thống thông tin nguồn cấp tỉnh.",
        "Sở Thông tin và Truyền thông, UBND cấp huyện",
        "Sở Kế hoạch và Đầu tư, Sở Tài chính",
        NSNN_XHH,
        date(2024, 3, 19),
        date(2030, 12, 31),
        "2024–2030",
        leads=("so-tttt-19",),
        province_leads=True,
    ),
    TaskSeed(
        6,
        "Hiện đại hóa cơ sở truyền thanh cấp huyện, bảng tin điện tử công cộng",
        "Nâng cấp trang thiết bị sản xuất chương trình phát thanh; thiết lập bảng tin điện tử công cộng "
        "(LED, LCD) kết nối với Hệ thống thông tin nguồn cấp tỉnh.",
        "UBND cấp huyện",
        "Sở Thông tin và Truyền thông",
        (F.STATE_LOCAL, F.OTHER),
        date(2024, 3, 19),
        date(2030, 12, 31),
        "2024–2030",
        partners=("so-tttt-19",),
        province_leads=True,
    ),
    TaskSeed(
        7,
        "Tăng cường công tác thông tin đối ngoại trên các kênh thông tin chủ lực, nền tảng mạng xã "
        "hội, trên các kênh thông tấn quốc gia và quốc tế",
        "Nâng cao chất lượng, đổi mới nội dung thông tin đối ngoại; giao nhiệm vụ hoặc đặt hàng sản phẩm "
        "thông tin đối ngoại; quảng bá hình ảnh Thái Nguyên trên các kênh chủ lực quốc gia và quốc tế.",
        "Báo Thái Nguyên, Đài Phát thanh - Truyền hình tỉnh, Tạp chí Văn nghệ Thái Nguyên, Trung tâm "
        "Thông tin tỉnh",
        "Sở Thông tin và Truyền thông, Sở Kế hoạch và Đầu tư, Sở Ngoại vụ và các sở, ngành, địa phương "
        "liên quan",
        NSNN_XHH,
        date(2026, 1, 1),
        date(2030, 12, 31),
        "2026–2030",
        leads=PRESS,
        partners=("so-tttt-19",),
    ),
    TaskSeed(
        8,
        "Phát triển kênh thông tin đối ngoại chính thống của tỉnh đa nền tảng; nâng cấp và duy trì "
        "chuyên trang tiếng nước ngoài quảng bá hình ảnh tỉnh Thái Nguyên",
        "Phát triển trang “Dynamic Thai Nguyen” trên Facebook bằng tiếng Việt, tiếng Anh, tiếng Trung "
        "Quốc và một số ngôn ngữ khác; duy trì chuyên mục tiếng nước ngoài trên cổng/trang TTĐT.",
        "Đài Phát thanh - Truyền hình tỉnh, Báo Thái Nguyên, Tạp chí Văn nghệ Thái Nguyên, Trung tâm "
        "Thông tin tỉnh, Sở Văn hóa, Thể thao và Du lịch, Sở Ngoại vụ, Sở Kế hoạch và Đầu tư",
        "Sở Thông tin và Truyền thông, Sở Tài chính",
        NSNN,
        date(2024, 3, 19),
        date(2030, 12, 31),
        "2024–2030",
        leads=(*PRESS, "so-vhttdl-19"),
        partners=("so-tttt-19",),
    ),
    TaskSeed(
        9,
        "Nâng cao năng lực trình độ chuyên môn, nghiệp vụ cho đội ngũ cán bộ, công chức, viên chức, "
        "người lao động làm công tác báo chí, thông tin, truyền thông",
        "Tuyển dụng, đào tạo, tập huấn nghiệp vụ cho cán bộ quản lý nhà nước, cán bộ thông tin đối ngoại, "
        "thông tin cơ sở, đội ngũ người làm báo trên địa bàn tỉnh.",
        "Báo Thái Nguyên, Đài Phát thanh - Truyền hình tỉnh, Tạp chí Văn nghệ Thái Nguyên, Sở Thông tin "
        "và Truyền thông, Sở Nội vụ",
        "Các cơ quan Trung ương, thuộc Bộ Thông tin và Truyền thông, đơn vị liên quan",
        (F.STATE_LOCAL, F.OTHER),
        date(2024, 3, 19),
        date(2030, 12, 31),
        "2024–2030 (theo bản quét không đầy đủ)",
        leads=(*PRESS, "so-tttt-19", "so-noivu-19"),
    ),
    TaskSeed(
        10,
        "Hợp tác nhằm chuyên nghiệp hóa, nâng cao trình độ, hội nhập",
        "Tăng cường trao đổi thông tin, chương trình phát thanh, truyền hình, sản phẩm báo chí; hợp tác "
        "trao đổi chuyên gia với cơ quan báo chí Trung ương, hãng thông tấn quốc tế, tổ chức quốc tế và "
        "các địa phương có quan hệ hữu nghị hợp tác với tỉnh.",
        "Báo Thái Nguyên, Đài Phát thanh - Truyền hình tỉnh, Tạp chí Văn nghệ Thái Nguyên, Trung tâm "
        "Thông tin tỉnh",
        "Các cơ quan của Trung ương, các quốc gia có quan hệ hữu nghị hợp tác với tỉnh",
        (F.STATE_LOCAL, F.OTHER),
        date(2024, 3, 19),
        date(2030, 12, 31),
        "2024–2030 (theo bản quét không đầy đủ)",
        leads=PRESS,
    ),
]
