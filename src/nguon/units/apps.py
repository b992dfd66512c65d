from django.apps import AppConfig


class UnitsConfig(AppConfig):
    """Administrative units (provinces, communes, residential units, pre-2025 history) and organisations."""

    name = "nguon.units"
    label = "units"
    verbose_name = "Đơn vị hành chính và tổ chức"
