"""Models of the reports app."""

from nguon.reports.models.cycles import CommuneReport, EnteredValue, ReportCycle, ReportVersion
from nguon.reports.models.reminders import ReminderSent
from nguon.reports.models.rollups import DailyPlays, RollupCursor

__all__ = [
    "CommuneReport",
    "DailyPlays",
    "EnteredValue",
    "ReminderSent",
    "ReportCycle",
    "ReportVersion",
    "RollupCursor",
]
