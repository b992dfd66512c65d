"""Search over what the public may read (one language section), never over drafts or working text.

Content's search (:mod:`nguon.content.selectors.search`) answers for a signed-in person and indexes the
bulletin's *working* text, which during a correction is not public. So the portal matches the **public
text** itself (the live revision, or the fresh translation) and uses content's index only to narrow the
candidates where that index holds exactly the public text:

* bulletins of the section's language that are distributed with no correction under way
  (``revision == live_revision``): their :class:`~nguon.content.models.SearchEntry` text is the live text,
  so a SQL substring filter on it picks the candidates;
* every other bulletin of the section (a correction under way, a translation into the section's
  language): all are candidates.

Each candidate's public text is then checked in Python with content's rules: words are folded (no
diacritics, đ → d, case) and must all occur; the last one, from two letters on, may start a word. A word
in a script that folding drops (Chinese) must occur as written (case-insensitive). At most
:data:`CANDIDATE_LIMIT` of the newest candidates are checked. Results are newest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from nguon.content.choices import Status
from nguon.content.models import Bulletin, SearchEntry
from nguon.content.selectors.search import MIN_PREFIX_LENGTH, tokens_of
from nguon.core.text import fold, nfc
from nguon.portal.selectors import PublicItem, list_public, public_items

CANDIDATE_LIMIT = 1000
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Query:
    """A query split into folded words (Latin script) and literal words (scripts folding drops)."""

    folded: list[str]
    literal: list[str]

    @property
    def is_empty(self) -> bool:
        return not self.folded and not self.literal


def parse(text: str) -> Query:
    folded: list[str] = []
    literal: list[str] = []
    for word in nfc(text[:MAX_QUERY_LENGTH]).split():
        latin = tokens_of(word)
        has_other = any(ch.isalnum() and not fold(ch) for ch in word)
        if has_other:
            literal.append(word.casefold())
        else:
            folded.extend(t for t in latin if t not in folded)
    return Query(folded=folded, literal=literal)


def matches(query: Query, item: PublicItem) -> bool:
    """True when the public text of ``item`` holds every word of ``query``."""
    text = " ".join([item.title, item.summary, item.body_text])
    padded = f" {fold(text)} "
    for position, token in enumerate(query.folded):
        last = position == len(query.folded) - 1
        needle = f" {token}" if last and len(token) >= MIN_PREFIX_LENGTH else f" {token} "
        if needle not in padded:
            return False
    lowered = text.casefold()
    return all(word in lowered for word in query.literal)


def _candidates(query: Query, language: str) -> QuerySet[Bulletin]:
    section = list_public(language=language)
    if not query.folded:
        return section
    indexed = Q(language=language, status=Status.DISTRIBUTED, revision=F("live_revision"))
    entries = SearchEntry.objects.filter(kind=SearchEntry.KIND_BULLETIN)
    for token in query.folded:
        entries = entries.filter(search_text__contains=token)
    return section.filter(~indexed | Q(pk__in=entries.values("object_id")))


def search_public(text: str, *, language: str = "vi") -> list[PublicItem]:
    """The public items of the ``language`` section matching ``text``, newest first."""
    query = parse(text)
    if query.is_empty:
        return []
    rows = list(_candidates(query, language)[:CANDIDATE_LIMIT])
    return [item for item in public_items(rows, language=language) if matches(query, item)]
