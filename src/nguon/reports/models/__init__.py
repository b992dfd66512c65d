"""Models of the reports app."""

from nguon.reports.models.cycles import CommuneReport, EnteredValue, ReportCycle, ReportVersion

__all__ = ["CommuneReport", "EnteredValue", "ReportCycle", "ReportVersion"]
