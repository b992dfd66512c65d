"""What the public may read: live bulletins published to the portal, in the language asked for.

One source for the portal pages, the feeds, ninjs and the public read API, so they never disagree.

A bulletin is public while it has a live revision, is not withdrawn and has a portal delivery that is
pending or delivered (a withdrawal marks the deliveries withdrawn; see content's distribution service).
What the public reads is the **live revision** (:class:`BulletinRevision`), never the working text on the
row: a bulletin being corrected keeps showing its approved text until the correction is approved.

A language section holds the bulletins written in that language and those with a published translation
into it that is up to date with the live revision; a stale translation leaves the section until it is
brought up to date and published again. Every :class:`~nguon.content.choices.Language` has a section:
Vietnamese (the front page), the foreign sections (:data:`FOREIGN_SECTIONS`) and the sections of the
province's ethnic languages (:data:`ETHNIC_SECTIONS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from nguon.content.choices import Channel, DeliveryStatus, Language, Status
from nguon.content.models import Bulletin, BulletinRevision, Category, Delivery
from nguon.translations.choices import TranslationStatus
from nguon.translations.models import Translation
from nguon.units.models import AdministrativeUnit

#: Foreign languages with a public section of their own, with an interface in that language.
FOREIGN_SECTIONS = ("en", "zh")
#: The province's ethnic languages: each has a public section (interface in Vietnamese).
ETHNIC_SECTIONS = tuple(
    code for code in Language.values if code != Language.VI and code not in FOREIGN_SECTIONS
)


@dataclass(frozen=True)
class PublicItem:
    """One bulletin as the public reads it, in one language."""

    bulletin_id: int
    language: str
    title: str
    summary: str
    body: str  # sanitised HTML of the live revision (or of the translation)
    body_text: str
    category: Category
    unit: AdministrativeUnit
    source_level: str
    priority: str
    revision: int  # the live revision (for a translation: the revision it was made from)
    published_at: datetime  # first went public
    updated_at: datetime  # the live revision (or the translation) went public
    is_translation: bool
    original_language: str


def live_bulletins() -> QuerySet[Bulletin]:
    """Bulletins the public may read now (any language), newest live revision first."""
    portal = Delivery.objects.filter(
        bulletin=OuterRef("pk"),
        channel=Channel.PORTAL,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.DELIVERED],
    )
    return (
        Bulletin.objects.filter(live_revision__isnull=False, distributed_at__isnull=False)
        .exclude(status=Status.WITHDRAWN)
        .filter(Exists(portal))
        .select_related("category", "unit")
        .order_by("-distributed_at", "-pk")
    )


def _fresh_translations(language: str) -> QuerySet[Translation]:
    return Translation.objects.filter(
        bulletin=OuterRef("pk"),
        language=language,
        status=TranslationStatus.PUBLISHED,
        source_revision__gte=OuterRef("live_revision"),
    )


def list_public(
    *,
    language: str = "vi",
    category: Category | None = None,
    unit: AdministrativeUnit | None = None,
    reaching: AdministrativeUnit | None = None,
) -> QuerySet[Bulletin]:
    """The public bulletins of one language section.

    ``unit``: written by that unit or a unit under it. ``reaching``: sent to that commune (its inbox
    received it), which includes the province's bulletins for the whole province.
    """
    qs = live_bulletins().filter(Q(language=language) | Exists(_fresh_translations(language)))
    if category is not None:
        qs = qs.filter(category=category)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if reaching is not None:
        qs = qs.filter(Q(inbox_entries__unit=reaching) | Q(unit=reaching)).distinct()
    return qs


def languages_with_public_items() -> set[str]:
    """The languages whose section holds at least one public bulletin now (two queries)."""
    live = live_bulletins()
    found = set(live.order_by().values_list("language", flat=True).distinct())
    fresh = Translation.objects.filter(
        bulletin__in=live.order_by().values("pk"),
        status=TranslationStatus.PUBLISHED,
        source_revision__gte=F("bulletin__live_revision"),
    )
    found.update(fresh.order_by().values_list("language", flat=True).distinct())
    return found


def languages_of(bulletin_id: int) -> set[str]:
    """The sections holding the public bulletin ``bulletin_id``: its own language and those of its
    published translations made from the live revision (empty when the bulletin is not public)."""
    bulletin = live_bulletins().filter(pk=bulletin_id).first()
    if bulletin is None:
        return set()
    fresh = Translation.objects.filter(
        bulletin_id=bulletin_id,
        status=TranslationStatus.PUBLISHED,
        source_revision__gte=bulletin.live_revision or 0,
    )
    return {bulletin.language, *fresh.values_list("language", flat=True)}


def public_items(bulletins: Iterable[Bulletin], *, language: str = "vi") -> list[PublicItem]:
    """The public form of ``bulletins`` in ``language`` (two queries, whatever their number)."""
    rows = list(bulletins)
    revisions = (
        {
            (r.bulletin_id, r.number): r
            for r in BulletinRevision.objects.filter(
                bulletin_id__in=[b.pk for b in rows], number__in={b.live_revision for b in rows}
            )
        }
        if rows
        else {}
    )
    translations = (
        {
            t.bulletin_id: t
            for t in Translation.objects.filter(
                bulletin__in=[b.pk for b in rows], language=language, status=TranslationStatus.PUBLISHED
            )
        }
        if rows and language
        else {}
    )
    items = []
    for b in rows:
        revision = revisions.get((b.pk, b.live_revision or 0))
        translation = translations.get(b.pk)
        published_at = b.first_distributed_at or b.distributed_at
        assert published_at is not None
        assert b.distributed_at is not None
        if (
            b.language != language
            and translation is not None
            and translation.source_revision >= (b.live_revision or 0)
        ):
            items.append(
                PublicItem(
                    bulletin_id=b.pk,
                    language=language,
                    title=translation.title,
                    summary=translation.summary,
                    body=translation.body,
                    body_text=translation.body_text,
                    category=b.category,
                    unit=b.unit,
                    source_level=b.source_level,
                    priority=b.priority,
                    revision=translation.source_revision,
                    published_at=published_at,
                    updated_at=max(translation.published_at or b.distributed_at, b.distributed_at),
                    is_translation=True,
                    original_language=b.language,
                )
            )
            continue
        data = revision.data if revision is not None else {}
        items.append(
            PublicItem(
                bulletin_id=b.pk,
                language=str(data.get("language", b.language)),
                title=str(data.get("title", b.title)),
                summary=str(data.get("summary", b.summary)),
                body=revision.body if revision is not None else b.body,
                body_text=str(data.get("body_text", b.body_text)),
                category=b.category,
                unit=b.unit,
                source_level=b.source_level,
                priority=str(data.get("priority", b.priority)),
                revision=b.live_revision or 0,
                published_at=published_at,
                updated_at=b.distributed_at,
                is_translation=False,
                original_language=b.language,
            )
        )
    return items


def get_public_item(bulletin_id: int, *, language: str = "vi") -> PublicItem:
    """One public bulletin in ``language`` (its original language when it has no fresh translation).

    Raises :class:`Http404` for anything the public may not read (draft, withdrawn, not for the portal).
    """
    bulletin = live_bulletins().filter(pk=bulletin_id).first()
    if bulletin is None:
        raise Http404
    return public_items([bulletin], language=language)[0]


__all__ = [
    "ETHNIC_SECTIONS",
    "FOREIGN_SECTIONS",
    "PublicItem",
    "get_public_item",
    "languages_of",
    "languages_with_public_items",
    "list_public",
    "live_bulletins",
    "public_items",
]
