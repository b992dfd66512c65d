"""Seed vocabularies: NĐ 49/2024 essential-information categories, the QĐ 52/2016 mapping, policies.

Administrators edit these afterwards (they are data); the migration that loads them is idempotent.
The legacy list paraphrases the kinds of essential information QĐ 52/2016 named; check it against the
legal text before relying on it for historical statistics.
"""

from __future__ import annotations

# code, name, group (clause of Article 6, NĐ 49/2024)
CATEGORIES: list[tuple[str, str, int]] = [
    (
        "chinh-sach-phap-luat",
        "Chủ trương của Đảng, chính sách, pháp luật của Nhà nước, quy định của địa phương",
        1,
    ),
    ("su-kien-quan-trong", "Sự kiện quan trọng của đất nước, của địa phương", 1),
    ("du-an-chuong-trinh", "Dự án, chương trình, kế hoạch triển khai tại địa phương", 2),
    ("kien-thuc", "Kiến thức chính trị, kinh tế, văn hóa, xã hội, khoa học, công nghệ", 2),
    ("an-ninh-quoc-phong", "An ninh, trật tự, an toàn xã hội, quốc phòng, quân sự", 2),
    ("thien-tai-dich-benh", "Thiên tai, cứu hộ, cứu nạn, cháy nổ, dịch bệnh", 2),
    ("guong-dien-hinh", "Gương người tốt, việc tốt, điển hình tiên tiến", 2),
    ("san-pham-dich-vu", "Sản phẩm, dịch vụ hữu ích cho đời sống", 2),
    ("lanh-dao-dieu-hanh", "Hoạt động lãnh đạo, chỉ đạo, điều hành của chính quyền địa phương", 3),
]

# legacy code, name under QĐ 52/2016, NĐ 49/2024 category code
LEGACY_CATEGORIES: list[tuple[str, str, str]] = [
    (
        "qd52-chinh-sach",
        "Chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước",
        "chinh-sach-phap-luat",
    ),
    (
        "qd52-thien-tai",
        "Thông tin về sự cố, thiên tai, hỏa hoạn, dịch bệnh và cảnh báo",
        "thien-tai-dich-benh",
    ),
    ("qd52-guong-tot", "Gương người tốt, việc tốt, điển hình tiên tiến", "guong-dien-hinh"),
    ("qd52-kien-thuc", "Kiến thức khoa học, kỹ thuật, kinh tế, văn hóa, xã hội", "kien-thuc"),
    ("qd52-hoat-dong-dia-phuong", "Hoạt động của chính quyền cơ sở", "lanh-dao-dieu-hanh"),
    ("qd52-an-ninh", "An ninh, trật tự, an toàn xã hội", "an-ninh-quoc-phong"),
]

# source level, requires appraisal, approve at province
POLICIES: list[tuple[str, bool, bool]] = [
    ("commune", False, False),
    ("department", True, True),
    ("province", True, True),
    ("central", True, True),
]
