"""The feedback categories a new installation starts with (Open311 services). Administrators change them
in the admin; the deadlines are defaults for the province to set, not statutory figures."""

from __future__ import annotations

# code (Open311 service_code), name, group, deadline in days, keywords
CATEGORIES: list[tuple[str, str, str, int, str]] = [
    ("dat-dai-xay-dung", "Đất đai, xây dựng, trật tự đô thị", "Hạ tầng", 15, "đất, xây dựng, lấn chiếm"),
    ("giao-thong", "Giao thông, đường sá, cầu cống", "Hạ tầng", 10, "đường, cầu, ổ gà"),
    ("dien-nuoc", "Điện, nước sinh hoạt", "Hạ tầng", 7, "mất điện, nước sạch"),
    ("moi-truong", "Môi trường, rác thải, vệ sinh", "Môi trường", 7, "rác, ô nhiễm, nước thải"),
    ("an-ninh-trat-tu", "An ninh, trật tự, an toàn xã hội", "An ninh", 5, "trộm cắp, gây rối"),
    ("chinh-sach-xa-hoi", "Chính sách xã hội, an sinh, người có công", "Chính sách", 15, "trợ cấp, hộ nghèo"),
    ("y-te-giao-duc", "Y tế, giáo dục", "Chính sách", 10, "trạm y tế, trường học"),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính, dịch vụ công", "Hành chính", 10, "hồ sơ, một cửa"),
    ("thong-tin-co-so", "Thông tin cơ sở, đài truyền thanh, bảng tin", "Thông tin", 7, "loa, đài, bảng tin"),
    ("khac", "Vấn đề khác", "Khác", 10, ""),
]
