"""Fixed vocabularies of the units app."""

from django.db import models


class UnitLevel(models.TextChoices):
    """Where a unit sits in the administrative tree. ``district`` exists only before 1/7/2025."""

    PROVINCE = "province", "Tỉnh/Thành phố"
    DISTRICT = "district", "Huyện/Quận (trước 2025)"
    COMMUNE = "commune", "Xã/Phường"
    RESIDENTIAL = "residential", "Thôn/Tổ dân phố"


class UnitKind(models.TextChoices):
    """The official type of a unit; its label is the prefix of the full name ("Xã Định Hóa")."""

    TINH = "tinh", "Tỉnh"
    THANH_PHO_TW = "thanh_pho_tw", "Thành phố"
    HUYEN = "huyen", "Huyện"
    QUAN = "quan", "Quận"
    THI_XA = "thi_xa", "Thị xã"
    THANH_PHO = "thanh_pho", "Thành phố"
    XA = "xa", "Xã"
    PHUONG = "phuong", "Phường"
    THI_TRAN = "thi_tran", "Thị trấn"
    DAC_KHU = "dac_khu", "Đặc khu"
    THON = "thon", "Thôn"
    XOM = "xom", "Xóm"
    BAN = "ban", "Bản"
    TO_DAN_PHO = "to_dan_pho", "Tổ dân phố"
    KHU_PHO = "khu_pho", "Khu phố"
    AP = "ap", "Ấp"
    LANG = "lang", "Làng"


RESIDENTIAL_KINDS = (
    UnitKind.THON,
    UnitKind.XOM,
    UnitKind.BAN,
    UnitKind.TO_DAN_PHO,
    UnitKind.KHU_PHO,
    UnitKind.AP,
    UnitKind.LANG,
)


class OrganisationKind(models.TextChoices):
    """What an organisation is. Names are data (they change); kinds are the stable part."""

    PEOPLES_COMMITTEE = "peoples_committee", "Ủy ban nhân dân"
    DEPARTMENT = "department", "Sở, ban, ngành"
    COMMUNE_OFFICE = "commune_office", "Phòng chuyên môn cấp xã"
    PRESS = "press", "Cơ quan báo chí"
    MASS_ORGANISATION = "mass_organisation", "Tổ chức chính trị - xã hội"
    RESIDENTIAL_GROUP = "residential_group", "Tổ chức ở thôn, tổ dân phố"
    OTHER = "other", "Khác"
