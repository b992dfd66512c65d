"""Fixed vocabularies of the units app."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    """Where a unit sits in the administrative tree. ``district`` exists only before 1/7/2025."""

    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Huyện/Quận (trước 2025)")
    COMMUNE = "commune", _("Xã/Phường")
    RESIDENTIAL = "residential", _("Thôn/Tổ dân phố")


class UnitKind(models.TextChoices):
    """The official type of a unit; its label is the prefix of the full name ("Xã Định Hóa")."""

    TINH = "tinh", _("Tỉnh")
    THANH_PHO_TW = "thanh_pho_tw", _("Thành phố")
    HUYEN = "huyen", _("Huyện")
    QUAN = "quan", _("Quận")
    THI_XA = "thi_xa", _("Thị xã")
    THANH_PHO = "thanh_pho", _("Thành phố")
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    THI_TRAN = "thi_tran", _("Thị trấn")
    DAC_KHU = "dac_khu", _("Đặc khu")
    THON = "thon", _("Thôn")
    XOM = "xom", _("Xóm")
    BAN = "ban", _("Bản")
    TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")
    KHU_PHO = "khu_pho", _("Khu phố")
    AP = "ap", _("Ấp")
    LANG = "lang", _("Làng")


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

    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    COMMUNE_OFFICE = "commune_office", _("Phòng chuyên môn cấp xã")
    PRESS = "press", _("Cơ quan báo chí")
    MASS_ORGANISATION = "mass_organisation", _("Tổ chức chính trị - xã hội")
    RESIDENTIAL_GROUP = "residential_group", _("Tổ chức ở thôn, tổ dân phố")
    OTHER = "other", _("Khác")


def official_prefix(kind: str) -> str:
    """The Vietnamese type word that starts a unit's official name ("Xã", "Tổ dân phố").

    Stored names never depend on the language of the person's interface.
    """
    with translation.override("vi"):
        return str(UnitKind(kind).label)
