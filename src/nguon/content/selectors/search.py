"""Full-text search over bulletins and campaigns (the :class:`SearchEntry` index).

The query is put in NFC and folded like the indexed text (no diacritics, đ → d, lower case), so "quyet
dinh 614", "Quyết định 614" and "QUYẾT ĐỊNH 614" are the same query. Every word must occur (AND); the
last one, from two letters on, may be the start of a word ("tiem chu" finds "tiêm chủng"). Folding keeps
only ``[0-9a-z]`` words and each is quoted, so FTS syntax typed by a person (``"``, ``*``, ``-``,
``NEAR``, ``OR``) is searched as words or dropped, never interpreted.

Only the :data:`CANDIDATE_LIMIT` most recent visible matches are ranked; ``count`` stops there and
``is_count_exact`` is then false (the UI says "at least N"). Ranking is BM25's term-frequency part,
computed here the same way on both engines, then newest first. docs/search.md has the measurements
behind each choice: FTS5's ``bm25()`` and PostgreSQL's ``ts_rank`` both cost more than the search itself
on a million rows.

Who sees what: the rows :func:`nguon.core.access.scope` allows for ``content.view``, plus distributed
bulletins that reach a unit where the person holds ``content.view`` (whole-province bulletins of an
ancestor unit, and bulletins targeted at that unit, one of its ancestors or a unit below it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from nguon.content.choices import CampaignStatus, Language, Priority, Status
from nguon.content.models import SearchEntry
from nguon.core import access
from nguon.core.text import fold, nfc

#: How many of the most recent visible matches are ranked (and counted).
CANDIDATE_LIMIT = 500
MAX_TOKENS = 12  # words of a query beyond this are ignored
MAX_TOKEN_LENGTH = 64
MAX_LIMIT = 100  # page size
#: The last word is a prefix from this length on (one letter would match most of the index).
MIN_PREFIX_LENGTH = 2
BM25_K1 = 1.2
BM25_B = 0.75
#: PostgreSQL (see _pg_candidates): rows probed; expected matches up to which the GIN index is asked,
#: and how long it may take; newest rows (passing the filters) looked through otherwise.
PG_PROBE_ROWS = 2_000
PG_INDEX_BUDGET = 5_000
PG_INDEX_TIMEOUT_MS = 50
PG_SCAN_ROWS = 20_000

KINDS = (SearchEntry.KIND_BULLETIN, SearchEntry.KIND_CAMPAIGN)
_STATUSES = frozenset(Status.values) | frozenset(CampaignStatus.values)
_VECTOR = "to_tsvector('simple'::regconfig, content_searchentry.search_text)"

Row = tuple[int, Any, str]  # id, dated, folded text
Sql = tuple[str, list[Any]]


@dataclass(frozen=True)
class SearchResults:
    """One page of results, best first, and how many visible entries match (at least, if not exact)."""

    items: list[SearchEntry]
    count: int
    is_count_exact: bool = True
    tokens: list[str] = field(default_factory=list)
    scores: dict[int, float] = field(default_factory=dict)  # entry id → relevance (higher is better)


def tokens_of(query: str) -> list[str]:
    """The folded words of ``query``, in order, without repeats (at most :data:`MAX_TOKENS`)."""
    words = fold(nfc(query or "")).split()
    return list(dict.fromkeys(w[:MAX_TOKEN_LENGTH] for w in words))[:MAX_TOKENS]


def is_prefix(tokens: list[str]) -> bool:
    return len(tokens[-1]) >= MIN_PREFIX_LENGTH


def match_expression(tokens: list[str], *, prefix: bool | None = None) -> str:
    """The engine's full-text query: every word required, the last a prefix (default: :func:`is_prefix`).

    Tokens are ``[0-9a-z]+`` (folded), and are quoted anyway.
    """
    prefix = is_prefix(tokens) if prefix is None else prefix
    if connection.vendor == "postgresql":
        return " & ".join([f"'{t}'" for t in tokens[:-1]] + [f"'{tokens[-1]}'" + (":*" if prefix else "")])
    return " ".join([f'"{t}"' for t in tokens[:-1]] + [f'"{tokens[-1]}"' + ("*" if prefix else "")])


def word_needles(tokens: list[str]) -> list[str]:
    """Substrings of ``' ' + search_text + ' '`` with the meaning of the full-text query.

    ``search_text`` is folded: ``[0-9a-z]`` words between single spaces, the very words both engines
    index; " word " is that word and " pre" any word starting with "pre".
    """
    last = f" {tokens[-1]}" + ("" if is_prefix(tokens) else " ")
    return [f" {t} " for t in tokens[:-1]] + [last]


# -- who sees what ---------------------------------------------------------------------------------------
def _reach(path: str) -> Q:
    """Distributed bulletins that reach the unit at ``path`` (see the module docstring)."""
    prefixes = access.path_prefixes(path)
    whole = Q(target_paths="", unit_path__in=prefixes)
    # target_paths holds space-separated paths; a target at or below ``path`` starts with it.
    below = Q(target_paths__startswith=path) | Q(target_paths__contains=f" {path}")
    above = Q()
    for ancestor in prefixes[:-1]:
        above |= (
            Q(target_paths=ancestor)
            | Q(target_paths__startswith=f"{ancestor} ")
            | Q(target_paths__endswith=f" {ancestor}")
            | Q(target_paths__contains=f" {ancestor} ")
        )
    return Q(kind=SearchEntry.KIND_BULLETIN, status=Status.DISTRIBUTED) & (whole | below | above)


def visible_entries(user: Any) -> QuerySet[SearchEntry]:
    """The entries ``user`` may find: scoped for ``content.view``, plus distributed bulletins reaching them."""
    entries = SearchEntry.objects.all()
    scoped = access.scope(user, entries, access.CONTENT_VIEW)
    if isinstance(user, access.SystemActor):
        return scoped
    reach: Q | None = None
    for grant in access.grants_for(user, access.CONTENT_VIEW):
        if grant.is_global:
            return scoped  # already everything
        path = grant.unit_path or grant.organisation_unit_path
        if path:
            reach = _reach(path) if reach is None else reach | _reach(path)
    return scoped if reach is None else scoped | entries.filter(reach)


def url_of(entry: SearchEntry) -> str | None:
    """The page of the bulletin or campaign an entry describes (None while that page does not exist)."""
    name = "content:bulletin" if entry.kind == SearchEntry.KIND_BULLETIN else "content:campaign"
    try:
        return reverse(name, args=[entry.object_id])
    except NoReverseMatch:
        return None


# -- filters ---------------------------------------------------------------------------------------------
def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_conditions(
    *,
    kind: str | None = None,
    category_id: int | None = None,
    unit_path: str | None = None,
    status: str | None = None,
    language: str | None = None,
    priority: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Q:
    """The filters on the index columns; raises ValidationError listing every bad one."""
    errors: dict[str, str] = {}
    if kind and kind not in KINDS:
        errors["kind"] = "Loại không hợp lệ (bulletin hoặc campaign)."
    if status and status not in _STATUSES:
        errors["status"] = "Trạng thái không hợp lệ."
    if language and language not in Language.values:
        errors["language"] = "Ngôn ngữ không hợp lệ."
    if priority and priority not in Priority.values:
        errors["priority"] = "Mức ưu tiên không hợp lệ."
    if unit_path and not unit_path.endswith("/"):
        errors["unit"] = "Đường dẫn đơn vị phải kết thúc bằng “/”, ví dụ 19/05569/."
    if date_from and date_to and date_to < date_from:
        errors["to"] = "Ngày kết thúc phải sau ngày bắt đầu."
    if errors:
        raise ValidationError(errors)
    conditions = Q()
    for name, value in (("kind", kind), ("status", status), ("language", language), ("priority", priority)):
        if value:
            conditions &= Q(**{name: value})
    if category_id is not None:
        conditions &= Q(category_id=category_id)
    if unit_path:
        conditions &= Q(unit_path__startswith=unit_path)
    if date_from:
        conditions &= Q(dated__gte=_day_start(date_from))
    if date_to:
        conditions &= Q(dated__lt=_day_start(date_to + timedelta(days=1)))
    return conditions


def _where(entries: QuerySet[SearchEntry]) -> Sql | None:
    """The WHERE clause of ``entries`` as SQL over the table ``content_searchentry``; None: no rows."""
    compiler = entries.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(entries.query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "1 = 1", []
    return (sql or "1 = 1"), list(params)


@dataclass(frozen=True)
class _Plan:
    tokens: list[str]
    where: Sql  # visibility and filters
    visible: Sql  # visibility only
    filters: Sql  # filters only


# -- the engines -----------------------------------------------------------------------------------------
def _sqlite_candidates(plan: _Plan, limit: int) -> tuple[list[Row], bool]:
    # FTS5 walks its doclists newest rowid first and stops after ``limit`` visible rows; with the prefix
    # index (migration 0003) a prefix is read like one word instead of merging every completion first.
    # Every where below is SQL the ORM compiled, with its own parameters (hence the noqa: S608).
    where, params = plan.where
    sql = (
        "SELECT content_searchentry.id, content_searchentry.dated, content_searchentry.search_text "  # noqa: S608
        "FROM content_searchentry_fts "
        "JOIN content_searchentry ON content_searchentry.id = content_searchentry_fts.rowid "
        f"WHERE content_searchentry_fts MATCH %s AND ({where}) "
        "ORDER BY content_searchentry_fts.rowid DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match_expression(plan.tokens), *params, limit])
        rows = list(cursor.fetchall())
    return rows, len(rows) < limit


def _pg_scan(plan: _Plan, rows: int, limit: int, *, probe: bool = False) -> Sql:
    """Of the newest ``rows`` entries passing the filters, the visible ones holding every word.

    The text is padded (copied) once a row, for visible rows only. A probe ignores both wheres.
    """
    needles = word_needles(plan.tokens)
    filters, filter_params = ("1 = 1", []) if probe else plan.filters
    visible, visible_params = ("1 = 1", []) if probe else plan.visible
    checks = " AND ".join(["strpos(c.spaced, %s) > 0"] * len(needles))
    sql = (
        "SELECT c.id, c.dated, c.spaced FROM (SELECT content_searchentry.id, content_searchentry.dated, "  # noqa: S608
        "' ' || content_searchentry.search_text || ' ' AS spaced FROM (SELECT * FROM content_searchentry "
        f"WHERE ({filters}) ORDER BY content_searchentry.dated DESC LIMIT %s) AS content_searchentry "
        f"WHERE ({visible}) OFFSET 0) c WHERE {checks} LIMIT %s"
    )
    return sql, [*filter_params, rows, *visible_params, *needles, limit]


def _pg_index(plan: _Plan, limit: int) -> list[Row] | None:
    """The newest ``limit`` visible matches through the GIN index; None if not within the time allowed."""
    tokens = plan.tokens
    # A short prefix matches many words, which GIN merges first: look for it in the text instead.
    short = len(tokens) > 1 and is_prefix(tokens) and len(tokens[-1]) < 4
    indexed = match_expression(tokens[:-1] if short else tokens, prefix=False if short else None)
    extra = "AND strpos(' ' || content_searchentry.search_text, %s) > 0" if short else ""
    where, params = plan.where
    try:
        with transaction.atomic(), connection.cursor() as cursor:  # set_config(…, true) ends with it
            # Bitmap scans only: the planner takes the syllables of a word as independent and would
            # otherwise walk the primary key calling to_tsvector (≈120 µs for 1 KB) on every row.
            cursor.execute(
                "SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true), "
                "set_config('statement_timeout', %s, true)",
                [f"{PG_INDEX_TIMEOUT_MS}ms"],
            )
            cursor.execute(
                "SELECT content_searchentry.id, content_searchentry.dated, content_searchentry.search_text "  # noqa: S608
                f"FROM content_searchentry WHERE {_VECTOR} @@ to_tsquery('simple'::regconfig, %s) "
                f"AND ({where}) {extra} ORDER BY content_searchentry.id DESC LIMIT %s",
                [indexed, *params, *([f" {tokens[-1]}"] if short else []), limit],
            )
            rows = list(cursor.fetchall())
            transaction.set_rollback(True)  # nothing was written; this also undoes the settings
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled: the timeout
            return None
        raise
    return rows


def _pg_candidates(plan: _Plan, limit: int) -> tuple[list[Row], bool]:
    """PostgreSQL: GIN returns matches unordered, so "the newest matches" is planned here.

    A probe counts the matches among the newest :data:`PG_PROBE_ROWS` rows. Rare words (expected
    matches up to :data:`PG_INDEX_BUDGET`) are asked of the GIN index, for at most
    :data:`PG_INDEX_TIMEOUT_MS` (a word rare today may be frequent in older years). Otherwise the newest
    :data:`PG_SCAN_ROWS` rows passing the filters are looked through, and the count is a lower bound.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', 'off', true), max(id) FROM content_searchentry")
        top = cursor.fetchone()[1] or 0  # about the number of rows
        sql, params = _pg_scan(plan, PG_PROBE_ROWS, PG_PROBE_ROWS, probe=True)
        cursor.execute(f"SELECT count(*) FROM ({sql}) probe", params)  # noqa: S608
        expected = cursor.fetchone()[0] * top / max(1, min(PG_PROBE_ROWS, top))
        found = _pg_index(plan, limit) if expected <= PG_INDEX_BUDGET else None
        if found is not None:
            complete = len(found) < limit
        else:
            cursor.execute(*_pg_scan(plan, PG_SCAN_ROWS, limit))
            found = list(cursor.fetchall())
            complete = len(found) < limit and top <= PG_SCAN_ROWS
        transaction.set_rollback(True)  # read only; undoes the jit setting
    return found, complete


def relevance(tokens: list[str], texts: list[str]) -> list[float]:
    """BM25 term-frequency scores (k1 = 1.2, b = 0.75) of folded ``texts``; higher is better.

    Every candidate holds every word (AND), so inverse document frequency would only weigh the words
    against each other. It is left out (every word weighs 1): computing it means counting every document
    of each word, which is what makes FTS5's bm25() cost 30-100 ms on a million rows. Lengths are
    normalised by the candidates' mean length.
    """
    needles = word_needles(tokens)
    counts: list[list[int]] = []
    lengths: list[int] = []
    for raw in texts:
        text = raw.strip()
        spaced = " " + text.replace(" ", "  ") + " "  # every word gets spaces of its own
        counts.append([spaced.count(n) for n in needles])
        lengths.append(text.count(" ") + 1)
    average = (sum(lengths) / len(lengths)) if lengths else 1.0
    scores = []
    for tfs, length in zip(counts, lengths, strict=True):
        norm = BM25_K1 * (1 - BM25_B + BM25_B * length / average)
        scores.append(sum(tf * (BM25_K1 + 1) / (tf + norm) for tf in tfs))
    return scores


# -- entry points ----------------------------------------------------------------------------------------
def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(int(limit), MAX_LIMIT)), max(0, int(offset))


def search(
    user: Any,
    query: str,
    *,
    kind: str | None = None,
    category_id: int | None = None,
    unit_path: str | None = None,
    status: str | None = None,
    language: str | None = None,
    priority: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Entries ``user`` may see that contain every word of ``query``: best first, then newest."""
    conditions = filter_conditions(
        kind=kind,
        category_id=category_id,
        unit_path=unit_path,
        status=status,
        language=language,
        priority=priority,
        date_from=date_from,
        date_to=date_to,
    )
    limit, offset = _page(limit, offset)
    tokens = tokens_of(query)
    visible = visible_entries(user)
    where, visible_sql = _where(visible.filter(conditions)), _where(visible)
    filters = _where(SearchEntry.objects.filter(conditions))
    if not tokens or where is None or visible_sql is None or filters is None:
        return SearchResults(items=[], count=0, tokens=tokens)
    plan = _Plan(tokens=tokens, where=where, visible=visible_sql, filters=filters)
    if connection.vendor == "postgresql":
        rows, complete = _pg_candidates(plan, CANDIDATE_LIMIT)
    else:
        rows, complete = _sqlite_candidates(plan, CANDIDATE_LIMIT)
    scores = relevance(tokens, [text for _, _, text in rows])
    # Best score first, then newest (dated, then id, both descending).
    found = sorted(
        ((score, dated, pk) for (pk, dated, _), score in zip(rows, scores, strict=True)), reverse=True
    )
    page = found[offset : offset + limit]
    by_id = SearchEntry.objects.in_bulk([pk for _, _, pk in page])
    return SearchResults(
        items=[by_id[pk] for _, _, pk in page if pk in by_id],
        count=len(found),
        is_count_exact=complete,
        tokens=tokens,
        scores={pk: score for score, _, pk in page},
    )


def like_search(
    user: Any,
    query: str,
    *,
    kind: str | None = None,
    category_id: int | None = None,
    unit_path: str | None = None,
    status: str | None = None,
    language: str | None = None,
    priority: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """The same question answered with a plain substring scan (``LIKE``), newest first, exact count.

    The benchmark's baseline only: no index can serve it. The text is folded to lower case already, so
    ``contains`` is used (``icontains`` would only add UPPER() on both sides).
    """
    conditions = filter_conditions(
        kind=kind,
        category_id=category_id,
        unit_path=unit_path,
        status=status,
        language=language,
        priority=priority,
        date_from=date_from,
        date_to=date_to,
    )
    limit, offset = _page(limit, offset)
    tokens = tokens_of(query)
    if not tokens:
        return SearchResults(items=[], count=0, tokens=tokens)
    entries = visible_entries(user).filter(conditions)
    for token in tokens:
        entries = entries.filter(search_text__contains=token)
    return SearchResults(
        items=list(entries.order_by("-dated", "-id")[offset : offset + limit]),
        count=entries.count(),
        tokens=tokens,
    )
