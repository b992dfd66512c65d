"""The demo province: Thái Nguyên (19). Organisations, residential units and one account per role.

Names are illustrative demo data for trying the system, not an official directory; the merger and
rename below show how organisation history is kept (Sở Thông tin và Truyền thông merged into Sở Khoa học
và Công nghệ on 1/3/2025; the provincial newspaper and broadcaster merged in 2025).
"""

from __future__ import annotations

from datetime import date

from nguon.accounts.choices import Role

PROVINCE = "19"
COMMUNE = "05569"  # Xã Định Hóa (includes the former thị trấn Chợ Chu)
OTHER_COMMUNE = "05443"  # Phường Phan Đình Phùng

# code, kind, name, short name, unit code, parent code, valid from
ORGANISATIONS: list[tuple[str, str, str, str, str, str | None, date]] = [
    (
        "ubnd-tinh-19",
        "peoples_committee",
        "Ủy ban nhân dân tỉnh Thái Nguyên",
        "UBND tỉnh",
        PROVINCE,
        None,
        date(2025, 7, 1),
    ),
    (
        "so-vhttdl-19",
        "department",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở VHTTDL",
        PROVINCE,
        "ubnd-tinh-19",
        date(2025, 7, 1),
    ),
    (
        "so-khcn-19",
        "department",
        "Sở Khoa học và Công nghệ",
        "Sở KH&CN",
        PROVINCE,
        "ubnd-tinh-19",
        date(2025, 3, 1),
    ),
    (
        "so-tttt-19",
        "department",
        "Sở Thông tin và Truyền thông",
        "Sở TT&TT",
        PROVINCE,
        "ubnd-tinh-19",
        date(2008, 8, 1),
    ),
    ("so-noivu-19", "department", "Sở Nội vụ", "Sở NV", PROVINCE, "ubnd-tinh-19", date(2025, 7, 1)),
    ("bao-thainguyen", "press", "Báo Thái Nguyên", "Báo TN", PROVINCE, None, date(1962, 1, 1)),
    (
        "dai-ptth-thainguyen",
        "press",
        "Đài Phát thanh - Truyền hình Thái Nguyên",
        "Đài PT-TH",
        PROVINCE,
        None,
        date(1990, 1, 1),
    ),
    (
        "bao-ptth-thainguyen",
        "press",
        "Báo và Phát thanh, Truyền hình Thái Nguyên",
        "Báo và PT-TH TN",
        PROVINCE,
        None,
        date(2025, 7, 1),
    ),
    (
        "mttq-tinh-19",
        "mass_organisation",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Thái Nguyên",
        "MTTQ tỉnh",
        PROVINCE,
        None,
        date(2025, 7, 1),
    ),
    (
        "ubnd-05569",
        "peoples_committee",
        "Ủy ban nhân dân xã Định Hóa",
        "UBND xã Định Hóa",
        COMMUNE,
        None,
        date(2025, 7, 1),
    ),
    (
        "vhxh-05569",
        "commune_office",
        "Phòng Văn hóa - Xã hội xã Định Hóa",
        "Phòng VH-XH",
        COMMUNE,
        "ubnd-05569",
        date(2025, 7, 1),
    ),
    (
        "ubnd-05443",
        "peoples_committee",
        "Ủy ban nhân dân phường Phan Đình Phùng",
        "UBND phường PĐP",
        OTHER_COMMUNE,
        None,
        date(2025, 7, 1),
    ),
    (
        "vhxh-05443",
        "commune_office",
        "Phòng Văn hóa - Xã hội phường Phan Đình Phùng",
        "Phòng VH-XH",
        OTHER_COMMUNE,
        "ubnd-05443",
        date(2025, 7, 1),
    ),
]

# organisation codes merged into another, and when
MERGERS: list[tuple[list[str], str, date]] = [
    (["so-tttt-19"], "so-khcn-19", date(2025, 3, 1)),
    (["bao-thainguyen", "dai-ptth-thainguyen"], "bao-ptth-thainguyen", date(2025, 7, 1)),
]

# commune code, local code, name, kind
RESIDENTIAL_UNITS: list[tuple[str, str, str, str]] = [
    (COMMUNE, "TDP01", "Trung Kiên", "to_dan_pho"),
    (COMMUNE, "TDP02", "Tân Lập", "to_dan_pho"),
    (COMMUNE, "TDP03", "Hợp Thành", "to_dan_pho"),
    (COMMUNE, "T01", "Bãi Á", "thon"),
    (COMMUNE, "T02", "Làng Quặng", "thon"),
    (OTHER_COMMUNE, "TDP01", "Tổ dân phố 1", "to_dan_pho"),
    (OTHER_COMMUNE, "TDP02", "Tổ dân phố 2", "to_dan_pho"),
]

# username, full name, role, unit code (None: organisation or global), organisation code
USERS: list[tuple[str, str, str, str | None, str | None]] = [
    ("quantri", "Nguyễn Văn Quản", Role.SYSTEM_ADMIN, None, None),
    ("bbt.tinh", "Trần Thị Biên", Role.EDITORIAL_BOARD, PROVINCE, None),
    ("pheduyet.tinh", "Lê Văn Duyệt", Role.PROVINCIAL_APPROVER, PROVINCE, None),
    ("so.vhttdl", "Phạm Thị Hoa", Role.DEPARTMENT_CONTRIBUTOR, None, "so-vhttdl-19"),
    ("dich.tinh", "Lý Thị Dịch", Role.TRANSLATOR, PROVINCE, None),
    ("dinhhoa.bientap", "Hoàng Văn Tập", Role.COMMUNE_EDITOR, COMMUNE, None),
    ("dinhhoa.pheduyet", "Ma Thị Duyên", Role.COMMUNE_APPROVER, COMMUNE, None),
    ("dinhhoa.vanhanh", "Nông Văn Hành", Role.COMMUNE_OPERATOR, COMMUNE, None),
    ("pdp.bientap", "Đỗ Thị Phùng", Role.COMMUNE_EDITOR, OTHER_COMMUNE, None),
    ("pdp.vanhanh", "Lương Văn Thanh", Role.COMMUNE_OPERATOR, OTHER_COMMUNE, None),
    ("kythuat", "Vũ Văn Thuật", Role.TECHNICIAN, PROVINCE, None),
    ("kiemtra", "Bùi Thị Kiểm", Role.AUDITOR, PROVINCE, None),
    ("khach", "Đinh Văn Xem", Role.VIEWER, PROVINCE, None),
]
