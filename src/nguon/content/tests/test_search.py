"""Full-text search: folding (incl. đ), AND and prefix semantics, ranking, filters, who sees what, odd
queries, and the index following every change. Runs on SQLite and PostgreSQL alike (engine-specific
checks at the end)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from nguon.content.choices import Language, Priority, Status, TargetScope
from nguon.content.models import Category, SearchEntry
from nguon.content.selectors import search as selectors
from nguon.content.selectors.search import search
from nguon.content.services import bulletins, workflow
from nguon.content.services import search as services

pytestmark = pytest.mark.django_db


def commune_bulletin(people: Any, commune: Any, bulletin_input: Any, **overrides: Any) -> Any:
    """A draft of ``commune`` written by its editor (a commune's bulletins go to the commune itself)."""
    overrides.setdefault("target_scope", TargetScope.COMMUNES)
    return bulletins.create_bulletin(
        actor=people.commune_editor, unit=commune, data=bulletin_input(**overrides)
    )


def distributed_department_bulletin(
    people: Any, department: Any, bulletin_input: Any, **overrides: Any
) -> Any:
    """A department's bulletin taken through submit → appraise → approve (distributed)."""
    b = bulletins.create_bulletin(
        actor=people.contributor, organisation=department, data=bulletin_input(**overrides)
    )
    workflow.submit(actor=people.contributor, bulletin=b)
    workflow.appraise(actor=people.board, bulletin=b)
    return workflow.approve(actor=people.approver, bulletin=b)


def titles(user: Any, query: str, **filters: Any) -> set[str]:
    return {e.title for e in search(user, query, **filters).items}


def test_diacritics_case_and_d_do_not_matter(people, commune, bulletin_input):
    b = commune_bulletin(people, commune, bulletin_input, title="Lịch tiếp công dân tại xã Định Hóa")
    editor = people.commune_editor

    for query in [
        "quyet dinh 614",  # in the body of bulletin_input: "Quyết định 614"
        "Quyết định 614",
        "QUYẾT ĐỊNH 614",
        unicodedata.normalize("NFD", "Quyết định 614"),  # decomposed input, as some keyboards send it
        "dinh hoa",
        "Định Hóa",
        "Định Hoá",  # the other tone placement
        "ĐỊNH HOÁ",
    ]:
        results = search(editor, query)
        assert [e.object_id for e in results.items] == [b.pk], query
        assert results.count == 1
        assert results.is_count_exact

    assert search(editor, "dinh hoa").tokens == ["dinh", "hoa"]
    assert search(editor, "quyet dinh 615").count == 0


def test_every_word_must_match(people, commune, bulletin_input):
    commune_bulletin(
        people, commune, bulletin_input, title="Phòng, chống sốt xuất huyết", body="<p>Diệt bọ gậy.</p>"
    )
    commune_bulletin(
        people, commune, bulletin_input, title="Phòng cháy, chữa cháy", body="<p>Kiểm tra điện.</p>"
    )
    editor = people.commune_editor

    assert titles(editor, "phong") == {"Phòng, chống sốt xuất huyết", "Phòng cháy, chữa cháy"}
    assert titles(editor, "phong sot") == {"Phòng, chống sốt xuất huyết"}
    assert titles(editor, "chay phong") == {"Phòng cháy, chữa cháy"}
    assert titles(editor, "sot chay") == set()


def test_last_word_is_a_prefix_from_two_letters(people, commune, bulletin_input):
    commune_bulletin(people, commune, bulletin_input, title="Tiêm chủng mở rộng cho trẻ em")
    editor = people.commune_editor

    assert titles(editor, "tiem chu") == {"Tiêm chủng mở rộng cho trẻ em"}
    assert titles(editor, "tiêm ch") == {"Tiêm chủng mở rộng cho trẻ em"}
    assert titles(editor, "tie chung") == set()  # only the last word is a prefix
    assert titles(editor, "tiem c") == set()  # one letter: a whole word ("c"), not a prefix
    assert titles(editor, "tre em") == {"Tiêm chủng mở rộng cho trẻ em"}


def test_best_match_first_then_newest(people, commune, bulletin_input):
    once = commune_bulletin(people, commune, bulletin_input, title="Bản tin tuần", body="<p>Nói về lúa.</p>")
    often = commune_bulletin(
        people,
        commune,
        bulletin_input,
        title="Lúa vụ mùa",
        body="<p>Lúa, lúa lai, giống lúa, sâu hại lúa.</p>",
    )
    older = commune_bulletin(people, commune, bulletin_input, title="Thông báo A", body="<p>Nước sạch.</p>")
    newer = commune_bulletin(people, commune, bulletin_input, title="Thông báo A", body="<p>Nước sạch.</p>")
    SearchEntry.objects.filter(object_id=older.pk).update(dated=timezone.now() - timedelta(days=3))
    editor = people.commune_editor

    ranked = search(editor, "lua")
    assert [e.object_id for e in ranked.items] == [often.pk, once.pk]
    score = {e.object_id: ranked.scores[e.pk] for e in ranked.items}  # scores are keyed by entry id
    assert score[often.pk] > score[once.pk]
    assert [e.object_id for e in search(editor, "nuoc sach").items] == [newer.pk, older.pk]


def test_filters_narrow_on_the_index_columns(people, commune, bulletin_input):
    disaster = Category.objects.get(code="thien-tai-dich-benh")
    flood = commune_bulletin(
        people,
        commune,
        bulletin_input,
        title="Cảnh báo lũ quét",
        category=disaster,
        priority=Priority.EMERGENCY,
    )
    notice = commune_bulletin(
        people, commune, bulletin_input, title="Thông báo lũ quét", language=Language.TAY
    )
    SearchEntry.objects.filter(object_id=notice.pk).update(dated=timezone.now() - timedelta(days=40))
    workflow.submit(actor=people.commune_editor, bulletin=flood)  # → appraised (no appraisal for communes)
    editor = people.commune_editor
    today = timezone.localdate()

    def ids(**filters: Any) -> set[int]:
        return {e.object_id for e in search(editor, "lu quet", **filters).items}

    assert ids() == {flood.pk, notice.pk}
    assert ids(category_id=disaster.pk) == {flood.pk}
    assert ids(priority=Priority.EMERGENCY) == {flood.pk}
    assert ids(language=Language.TAY) == {notice.pk}
    assert ids(status=Status.DRAFT) == {notice.pk}
    assert ids(status=Status.APPRAISED) == {flood.pk}
    assert ids(kind="bulletin") == {flood.pk, notice.pk}
    assert ids(kind="campaign") == set()
    assert ids(unit_path=commune.path) == {flood.pk, notice.pk}
    assert ids(unit_path="19/05443/") == set()
    assert ids(date_from=today) == {flood.pk}
    assert ids(date_to=today - timedelta(days=30)) == {notice.pk}
    assert ids(date_from=today - timedelta(days=41), date_to=today - timedelta(days=39)) == {notice.pk}


def test_bad_filters_are_reported_together(people):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        search(
            people.commune_editor,
            "lu",
            kind="news",
            status="lost",
            language="fr",
            priority="urgent",
            unit_path="19/05569",
            date_from=today,
            date_to=today - timedelta(days=1),
        )
    assert set(caught.value.message_dict) == {"kind", "status", "language", "priority", "unit", "to"}


@pytest.mark.parametrize(
    "query",
    ['"', '""', "*", "-", "-quyet", "NEAR", "NEAR(quyet dinh)", "quyet OR dinh", "AND", "NOT dinh", "^", ":",
     "'", "a:*", "!()&|", "\\", "%", "_", "(((", "đ", "🙂", "x" * 500, " ".join(["dinh"] * 40), "", "   "],
)  # fmt: skip
def test_odd_queries_never_raise(people, commune, bulletin_input, query):
    commune_bulletin(people, commune, bulletin_input)
    results = search(people.commune_editor, query)
    assert results.count == len(results.items) <= 1
    like = selectors.like_search(people.commune_editor, query)
    assert like.count >= 0


def test_syntax_characters_are_searched_as_text(people, commune, bulletin_input):
    b = commune_bulletin(people, commune, bulletin_input)
    editor = people.commune_editor

    for query in ['"quyet dinh" 614*', "quyết-định 614", "(quyet) dinh", '"quyet" "dinh*"', "quyet:dinh^614"]:
        found = search(editor, query)
        assert b.pk in {e.object_id for e in found.items}, query
    assert search(editor, "quyet NEAR dinh").count == 0  # "near" is a word to find, not an operator
    assert search(editor, "-").tokens == []


def test_count_stops_at_the_candidate_limit(people, commune, bulletin_input, monkeypatch):
    made = [commune_bulletin(people, commune, bulletin_input, title=f"Thông báo số {i}") for i in range(5)]
    monkeypatch.setattr(selectors, "CANDIDATE_LIMIT", 3)

    results = search(people.commune_editor, "thong bao")
    assert results.count == 3
    assert not results.is_count_exact
    assert {e.object_id for e in results.items} == {b.pk for b in made[-3:]}  # the three most recent


def test_paging(people, commune, bulletin_input):
    made = [commune_bulletin(people, commune, bulletin_input, title=f"Tin số {i}") for i in range(5)]
    editor = people.commune_editor

    first = search(editor, "tin so", limit=2)
    second = search(editor, "tin so", limit=2, offset=2)
    last = search(editor, "tin so", limit=2, offset=4)
    seen = [e.object_id for e in first.items + second.items + last.items]
    assert sorted(seen) == sorted(b.pk for b in made)
    assert first.count == second.count == 5
    assert search(editor, "tin so", limit=2, offset=10).items == []


def test_a_communes_draft_is_invisible_to_another_commune(
    people, commune, other_commune, bulletin_input, make_user
):
    from nguon.accounts.choices import Role

    draft = commune_bulletin(people, commune, bulletin_input, title="Dự thảo kế hoạch phòng cháy rừng")

    assert titles(people.commune_editor, "phong chay rung") == {draft.title}
    assert titles(people.operator, "phong chay rung") == {draft.title}
    assert titles(people.board, "phong chay rung") == {draft.title}  # the province sees its communes
    for outsider in [people.other_editor, people.other_operator, make_user(Role.VIEWER, unit=other_commune)]:
        assert search(outsider, "phong chay rung").count == 0
        assert selectors.like_search(outsider, "phong chay rung").count == 0
    assert search(make_user(Role.TECHNICIAN, unit=commune), "phong chay rung").count == 0  # no content.view


def test_distributed_bulletins_reach_the_units_they_target(
    people, department, commune, other_commune, bulletin_input
):
    draft = bulletins.create_bulletin(
        actor=people.contributor,
        organisation=department,
        data=bulletin_input(title="Cảnh báo rét đậm toàn tỉnh"),
    )
    assert search(people.operator, "ret dam").count == 0  # a department's draft stays at the department
    assert titles(people.contributor, "ret dam") == {draft.title}

    workflow.submit(actor=people.contributor, bulletin=draft)
    workflow.appraise(actor=people.board, bulletin=draft)
    assert search(people.operator, "ret dam").count == 0  # not yet distributed
    workflow.approve(actor=people.approver, bulletin=draft)

    # whole province: every commune finds it
    assert titles(people.operator, "ret dam") == {draft.title}
    assert titles(people.other_operator, "rét đậm") == {draft.title}

    targeted = distributed_department_bulletin(
        people,
        department,
        bulletin_input,
        title="Lịch tiêm vắc xin dại",
        target_scope=TargetScope.COMMUNES,
        targets=[other_commune],
    )
    assert titles(people.other_operator, "vac xin dai") == {targeted.title}
    assert search(people.operator, "vac xin dai").count == 0  # not sent to this commune

    own = commune_bulletin(people, commune, bulletin_input, title="Thông báo cắt điện thôn Bản Cái")
    workflow.submit(actor=people.commune_editor, bulletin=own)
    workflow.approve(actor=people.commune_approver, bulletin=own)
    assert titles(people.operator, "cat dien") == {own.title}
    assert search(people.other_operator, "cat dien").count == 0  # a commune's own bulletin stays there


def test_index_follows_edits_status_and_deletion(people, commune, bulletin_input):
    b = commune_bulletin(people, commune, bulletin_input, title="Họp dân thôn Đồng Tâm")
    editor = people.commune_editor
    assert search(editor, "dong tam").count == 1

    changed = bulletin_input(title="Họp dân thôn Làng Mới", target_scope=TargetScope.COMMUNES)
    bulletins.update_bulletin(actor=editor, bulletin=b, data=changed)
    assert search(editor, "dong tam").count == 0
    assert titles(editor, "lang moi") == {"Họp dân thôn Làng Mới"}

    workflow.submit(actor=editor, bulletin=b)  # the status changes, the words do not
    assert search(editor, "lang moi", status=Status.APPRAISED).count == 1

    services.unindex(kind=SearchEntry.KIND_BULLETIN, object_id=b.pk)
    assert search(editor, "lang moi").count == 0
    _check_fulltext_integrity()


def test_reindex_is_idempotent_and_drops_stale_entries(people, commune, bulletin_input):
    b = commune_bulletin(people, commune, bulletin_input, title="Thu gom rác thải")
    entry_id = SearchEntry.objects.get(object_id=b.pk).pk
    stale = SearchEntry.objects.create(
        kind=SearchEntry.KIND_BULLETIN, object_id=999_999, unit_path=commune.path, title="cũ",
        search_text="rac thai cu", dated=timezone.now(),
    )  # fmt: skip
    SearchEntry.objects.filter(pk=entry_id).update(search_text="")  # damaged
    assert search(people.commune_editor, "rac thai").count == 1  # only the stale row

    out = StringIO()
    call_command("search", "reindex", "--rebuild-index", stdout=out)
    assert "bulletin: 1/1" in out.getvalue()
    assert "1 stale entries removed" in out.getvalue()
    assert not SearchEntry.objects.filter(pk=stale.pk).exists()
    assert SearchEntry.objects.get(object_id=b.pk).pk == entry_id
    assert titles(people.commune_editor, "rac thai") == {"Thu gom rác thải"}

    before = list(SearchEntry.objects.order_by("pk").values())
    call_command("search", "reindex", stdout=StringIO())
    assert list(SearchEntry.objects.order_by("pk").values()) == before
    _check_fulltext_integrity()


def test_query_command(people, commune, bulletin_input):
    commune_bulletin(people, commune, bulletin_input, title="Thu gom rác thải")
    out = StringIO()
    call_command("search", "query", "rac thai", stdout=out)
    assert "1 match(es) for: rac thai" in out.getvalue()
    assert "Thu gom rác thải" in out.getvalue()

    out = StringIO()
    call_command("search", "query", "rac thai", "--user", people.other_editor.username, stdout=out)
    assert "0 match(es)" in out.getvalue()
    out = StringIO()
    call_command("search", "query", "rac thai", "--like", stdout=out)
    assert "1 match(es) for: rac thai" in out.getvalue()
    with pytest.raises(CommandError, match="No user"):
        call_command("search", "query", "rac", "--user", "nobody-here")
    with pytest.raises(CommandError, match="no words"):
        call_command("search", "query", "***")


def test_migration_can_be_reversed_and_reapplied_over_existing_rows(people, commune, bulletin_input):
    import importlib

    migration = importlib.import_module("nguon.content.migrations.0003_search_fts")
    commune_bulletin(people, commune, bulletin_input, title="Nước sinh hoạt")
    vendor = connection.vendor
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
    ):  # rolled back: the test database stays as it was
        for sql in migration.REVERSE[vendor]:
            cursor.execute(sql)
        assert "content_searchentry_fts" not in _fulltext_objects()
        for sql in migration.FORWARD[vendor]:
            cursor.execute(sql)
        assert titles(people.commune_editor, "nuoc sinh hoat") == {"Nước sinh hoạt"}  # existing rows indexed
        transaction.set_rollback(True)


def _fulltext_objects() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'content_searchentry_fts%'")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'content_searchentry'")
        return {row[0] for row in cursor.fetchall()}


def _check_fulltext_integrity() -> None:
    """SQLite: FTS5 compares its index with the content table (raises if the triggers missed a change)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO content_searchentry_fts (content_searchentry_fts, rank) VALUES ('integrity-check', 1)"
        )


def test_sqlite_fts5_table_and_triggers():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    names = _fulltext_objects()
    assert "content_searchentry_fts" in names
    assert {
        "content_searchentry_fts_insert",
        "content_searchentry_fts_update",
        "content_searchentry_fts_delete",
    } <= names


@pytest.mark.postgres
def test_postgres_gin_index_serves_the_query(people, commune, bulletin_input):
    commune_bulletin(people, commune, bulletin_input)
    assert "content_searchentry_fts" in _fulltext_objects()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM content_searchentry "
            "WHERE to_tsvector('simple'::regconfig, content_searchentry.search_text) "
            "@@ to_tsquery('simple'::regconfig, %s)",
            [selectors.match_expression(["quyet", "dinh"])],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "content_searchentry_fts" in plan


@pytest.mark.postgres
def test_postgres_prefix_and_folding(people, commune, bulletin_input):
    commune_bulletin(people, commune, bulletin_input, title="Đường dây nóng 1900")
    assert selectors.match_expression(["duong", "da"]) == "'duong' & 'da':*"
    assert titles(people.commune_editor, "duong da") == {"Đường dây nóng 1900"}
    assert titles(people.commune_editor, "ĐƯỜNG DÂY NÓNG 19") == {"Đường dây nóng 1900"}


@pytest.mark.postgres
@pytest.mark.parametrize("path", ["index", "scan", "index-timed-out"])
def test_postgres_plans_find_the_same_rows(people, commune, bulletin_input, monkeypatch, path):
    made = [
        commune_bulletin(people, commune, bulletin_input, title=f"Sốt xuất huyết đợt {i}") for i in range(4)
    ]
    commune_bulletin(people, commune, bulletin_input, title="Phòng cháy rừng")
    if path == "index":
        monkeypatch.setattr(selectors, "PG_INDEX_BUDGET", 10**9)
    elif path == "scan":
        monkeypatch.setattr(selectors, "PG_INDEX_BUDGET", -1)
    else:
        monkeypatch.setattr(selectors, "_pg_index", lambda plan, limit: None)
    editor = people.commune_editor

    found = search(editor, "sot xuat huy")
    assert {e.object_id for e in found.items} == {b.pk for b in made}
    assert found.is_count_exact
    assert search(editor, "sot xuat huyet", date_from=timezone.localdate()).count == 4
    assert search(people.other_editor, "sot xuat huyet").count == 0
    assert titles(editor, "phong chay ru") == {"Phòng cháy rừng"}
    assert titles(editor, "rung xyz") == set()
    assert titles(editor, "phong ch") == {"Phòng cháy rừng"}  # a short prefix, checked on the text


@pytest.mark.postgres
def test_postgres_scan_reports_a_lower_bound_when_it_stops_early(
    people, commune, bulletin_input, monkeypatch
):
    for i in range(4):
        commune_bulletin(people, commune, bulletin_input, title=f"Thông báo {i}")
    monkeypatch.setattr(selectors, "PG_INDEX_BUDGET", -1)  # frequent words: scan
    monkeypatch.setattr(selectors, "PG_SCAN_ROWS", 2)

    results = search(people.commune_editor, "thong bao")
    assert results.count == 2
    assert not results.is_count_exact


@pytest.mark.postgres
def test_postgres_index_timeout_falls_back_to_the_scan(people, commune, bulletin_input, monkeypatch):
    import time as clock

    b = commune_bulletin(people, commune, bulletin_input, title="Sốt xuất huyết")
    monkeypatch.setattr(selectors, "PG_INDEX_BUDGET", 10**9)  # ask the index first

    def slow_index(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "@@ to_tsquery" in sql:  # stands in for an index query slower than the timeout allows
            return execute("SELECT pg_sleep(5)", None, many, context)
        return execute(sql, params, many, context)

    start = clock.perf_counter()
    with connection.execute_wrapper(slow_index):
        found = search(people.commune_editor, "sot xuat huyet")
    assert clock.perf_counter() - start < 2  # cancelled at PG_INDEX_TIMEOUT_MS, not after 5 s
    assert [e.object_id for e in found.items] == [b.pk]
