from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Statistics and periodic reports: indicators computed from the system's own rows (and entered by
    communes where the system cannot know them), half-year and annual report cycles, outputs in xlsx and
    in the Nghị định 30/2020 layout (docx, pdf)."""

    name = "nguon.reports"
    label = "reports"
    verbose_name = "Thống kê, báo cáo"
