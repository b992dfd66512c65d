"""The indicators of the grassroots-information report: what each means, where its number comes from."""

from nguon.reports.indicators.registry import ENTERED, INDICATORS, Indicator, by_code

__all__ = ["ENTERED", "INDICATORS", "Indicator", "by_code"]
