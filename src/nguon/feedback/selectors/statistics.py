"""Feedback statistics for a period and a unit subtree (the reporting issue consumes :func:`summary`).

The cohort is the feedback *received* in the period ``[start, end)`` and *placed* in the unit's subtree
(the commune where it happened). For that cohort:

* **received** — how many;
* **handled** — now answered, closed or declined;
* **on time** — answered (``answered_at``) no later than the due date;
* **overdue** — still open past the due date at ``now``, or answered after the due date;
* **answers aired** — approved answers of the cohort that were turned into a radio bulletin;
* **answers played** — of those, the ones a speaker cluster reported it actually played: a device play
  receipt (``devices.PlayReceipt``, result ``played``) whose manifest item (``DeviceManifest.body``, same
  device and manifest version, same item id) names the bulletin as its source (``bulletin``/``priority``,
  id = the bulletin's id). ``content.Delivery`` is not used: the radio compiler does not mark it.

Figures are broken down by handling unit (the organisation when there is one), by category and by
channel. Aggregates only: no personal data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q

from nguon.devices.choices import ReceiptResult
from nguon.devices.models import DeviceManifest, PlayReceipt
from nguon.feedback.choices import OPEN_STATUSES, AnswerStatus, Channel, Status
from nguon.feedback.models import Answer, Feedback
from nguon.units.models import AdministrativeUnit

HANDLED = frozenset({Status.ANSWERED, Status.CLOSED, Status.DECLINED})
BULLETIN_SOURCES = frozenset({"bulletin", "priority"})


@dataclass
class Figures:
    received: int = 0
    handled: int = 0
    on_time: int = 0
    overdue: int = 0
    answers_aired: int = 0
    answers_played: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Summary:
    unit: AdministrativeUnit
    start: datetime
    end: datetime
    now: datetime
    total: Figures = field(default_factory=Figures)
    by_unit: dict[str, Figures] = field(default_factory=dict)
    by_category: dict[str, Figures] = field(default_factory=dict)
    by_channel: dict[str, Figures] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.code,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "total": self.total.as_dict(),
            "by_unit": {k: v.as_dict() for k, v in self.by_unit.items()},
            "by_category": {k: v.as_dict() for k, v in self.by_category.items()},
            "by_channel": {k: v.as_dict() for k, v in self.by_channel.items()},
        }


def played_bulletins(bulletin_ids: set[int], *, unit: AdministrativeUnit, since: datetime) -> set[int]:
    """Which of ``bulletin_ids`` a speaker cluster under ``unit`` reported played since ``since``."""
    if not bulletin_ids:
        return set()
    receipts = list(
        PlayReceipt.objects.filter(
            result=ReceiptResult.PLAYED,
            started_at__gte=since,
            device__unit__path__startswith=unit.path,
        ).values_list("device_id", "manifest_version", "item_id")
    )
    pairs = {(device, version) for device, version, _ in receipts}
    if not pairs:
        return set()
    condition = Q()
    for device, version in pairs:
        condition |= Q(device_id=device, version=version)
    sources: dict[tuple[int, int, str], str] = {}
    for manifest in DeviceManifest.objects.filter(condition).only("device_id", "version", "body"):
        for item in manifest.body.get("items", []):
            source = item.get("source") or {}
            if isinstance(source, dict) and source.get("type") in BULLETIN_SOURCES:
                sources[(manifest.device_id, manifest.version, str(item.get("id")))] = str(source.get("id"))
    wanted = {str(pk) for pk in bulletin_ids}
    return {int(sources[key]) for key in receipts if sources.get(key) in wanted}


def _handler_label(row: Any) -> str:
    return str(row["handling_organisation__name"] or row["handling_unit__name"])


def summary(*, unit: AdministrativeUnit, start: datetime, end: datetime, now: datetime) -> Summary:
    """The figures of the feedback received in ``[start, end)`` and placed under ``unit``."""
    rows = list(
        Feedback.objects.filter(unit__path__startswith=unit.path, received_at__gte=start, received_at__lt=end)
        .order_by("received_at", "pk")
        .values(
            "pk",
            "status",
            "channel",
            "due_at",
            "answered_at",
            "category__name",
            "handling_unit__name",
            "handling_organisation__name",
        )
    )
    aired: dict[int, list[int]] = defaultdict(list)  # feedback pk -> bulletin ids of its aired answers
    earliest: datetime | None = None
    for answer in Answer.objects.filter(
        feedback_id__in=[r["pk"] for r in rows], status=AnswerStatus.APPROVED, bulletin__isnull=False
    ).values("feedback_id", "bulletin_id", "published_at"):
        aired[answer["feedback_id"]].append(answer["bulletin_id"])
        if answer["published_at"] and (earliest is None or answer["published_at"] < earliest):
            earliest = answer["published_at"]
    all_bulletins = {b for ids in aired.values() for b in ids}
    played = played_bulletins(all_bulletins, unit=unit, since=earliest or start) if all_bulletins else set()

    result = Summary(unit=unit, start=start, end=end, now=now)
    channel_labels = dict(Channel.choices)
    for row in rows:
        figures = Figures(received=1)
        figures.handled = int(row["status"] in HANDLED)
        answered = row["answered_at"]
        figures.on_time = int(answered is not None and answered <= row["due_at"])
        late_answer = answered is not None and answered > row["due_at"]
        still_late = row["status"] in OPEN_STATUSES and row["due_at"] < now
        figures.overdue = int(late_answer or still_late)
        figures.answers_aired = len(aired.get(row["pk"], []))
        figures.answers_played = sum(1 for b in aired.get(row["pk"], []) if b in played)
        for bucket, key in (
            (result.by_unit, _handler_label(row)),
            (result.by_category, row["category__name"]),
            (result.by_channel, str(channel_labels.get(row["channel"], row["channel"]))),
        ):
            _add(bucket.setdefault(key, Figures()), figures)
        _add(result.total, figures)
    result.by_unit = dict(sorted(result.by_unit.items()))
    result.by_category = dict(sorted(result.by_category.items()))
    result.by_channel = dict(sorted(result.by_channel.items()))
    return result


def _add(into: Figures, more: Figures) -> None:
    for name, value in more.__dict__.items():
        setattr(into, name, getattr(into, name) + value)
