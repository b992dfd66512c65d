"""Search benchmark: full-text search over N generated Vietnamese bulletins beside a plain LIKE scan of the
same rows, in the same run, on SQLite and on PostgreSQL.

    .venv/bin/python bench/search.py                      # 1,000,000 rows, both engines
    .venv/bin/python bench/search.py --rows 100000 --engine sqlite

Each engine gets a throw-away database (SQLite: a file under a temporary directory; PostgreSQL: the
database named by ``NGUON_BENCH_PG_URL``, default ``postgres://postgres@127.0.0.1:5432/nguon_bench_search``,
dropped and created by the bench). Rows are written straight into ``content_searchentry`` (search reads
nothing else): titles and bodies are built from Vietnamese phrase templates, stored in NFC and folded with
``nguon.core.text.fold``. The full-text index is dropped for the load and built afterwards with the
statements of migration ``content.0003_search_fts``.

For ~50 unaccented queries it reports p50/p95 of ``selectors.search.search`` (the top 20 ranked among
the most recent 1,000 visible matches, plus the count capped at 1,000) for a provincial user who sees
every row and for a commune operator, beside ``like_search`` (top 20 newest + exact count with LIKE);
and, to show what the cap saves, the unbounded variants (rank every match; count every match).
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/nguon_bench_search"

#: Realistic unaccented queries: frequent and rare words, numbers, places, a short prefix, no match.
QUERIES = [
    "thong bao", "quyet dinh", "ke hoach nam 2025", "phong chong dich sot xuat huyet", "sot xuat huyet",
    "phong chay chua chay", "bao hiem y te", "bao hiem xa hoi tu nguyen", "tiem chung mo rong",
    "tiem vac xin", "chuyen doi so", "dinh danh dien tu vneid", "can cuoc", "an toan giao thong",
    "phong chong ma tuy", "nong thon moi", "bao ve rung", "mua lu sat lo dat", "canh bao mua lon",
    "dich ta lon chau phi", "cum gia cam", "lua dao qua mang", "nghia vu quan su", "tuyen quan nam 2026",
    "an toan thuc pham", "phan loai rac thai", "dich vu cong truc tuyen", "bao luc gia dinh",
    "duoi nuoc tre em", "nghi dinh 49", "quyet dinh 614", "cong van 1229", "dinh hoa", "xa dinh hoa",
    "phan dinh phung", "phu binh", "dai tu", "che thai nguyen ocop", "giam ngheo ben vung",
    "chinh quyen dia phuong hai cap", "hoi dong nhan dan", "tiep cong dan", "nha van hoa thon",
    "ho gia dinh", "duong day nong 114", "1 250 000 dong", "chuyen doi s", "phong chong th",
    "thong bao lich tiem", "khong co tu nay xyzabc",
]  # fmt: skip

TOPICS = [
    "phòng, chống dịch sốt xuất huyết",
    "phòng cháy, chữa cháy",
    "bảo hiểm y tế hộ gia đình",
    "bảo hiểm xã hội tự nguyện",
    "tiêm chủng mở rộng cho trẻ em",
    "tiêm vắc xin phòng bệnh dại",
    "chuyển đổi số trong cộng đồng",
    "cấp căn cước và định danh điện tử VNeID",
    "bảo đảm trật tự, an toàn giao thông",
    "phòng, chống ma túy trong thanh thiếu niên",
    "xây dựng nông thôn mới nâng cao",
    "quản lý, bảo vệ rừng và phòng cháy rừng",
    "phòng, chống thiên tai, mưa lũ, sạt lở đất",
    "phòng, chống dịch tả lợn châu Phi",
    "phòng, chống dịch cúm gia cầm",
    "phòng, chống lừa đảo qua mạng",
    "thực hiện nghĩa vụ quân sự",
    "bảo đảm an toàn thực phẩm",
    "phân loại rác thải tại nguồn",
    "sử dụng dịch vụ công trực tuyến",
    "phòng, chống bạo lực gia đình",
    "phòng, chống đuối nước cho trẻ em dịp hè",
    "phát triển sản phẩm chè Thái Nguyên đạt chuẩn OCOP",
    "giảm nghèo bền vững",
    "vận hành chính quyền địa phương hai cấp",
    "bầu cử đại biểu Hội đồng nhân dân",
    "cải cách thủ tục hành chính",
    "thu nộp thuế sử dụng đất phi nông nghiệp",
    "vệ sinh môi trường, khơi thông cống rãnh",
    "tổ chức Tết trồng cây",
]
TITLES = [
    "Thông báo về việc {topic} trên địa bàn {unit}",
    "Kế hoạch {topic} năm {year}",
    "Quyết định số {num}/QĐ-UBND ngày {date} về {topic}",
    "Công văn số {num}/UBND-VX về việc {topic}",
    "Tuyên truyền {topic} tại {place}, {unit}",
    "Hướng dẫn người dân {topic}",
    "{unit} tổ chức hội nghị về {topic}",
    "Cảnh báo mưa lớn, lũ quét và sạt lở đất trong {period}",
    "Lịch tiếp công dân của Chủ tịch Ủy ban nhân dân {unit} {period}",
    "Triển khai Nghị định 49/2024/NĐ-CP về hoạt động thông tin cơ sở tại {unit}",
    "Kết quả {topic} {period}",
    "Chỉ thị số {small}/CT-UBND về tăng cường {topic}",
    "Thông báo lịch tiêm chủng tại trạm y tế {unit} tháng {month}",
    "Kêu gọi nhân dân tham gia {topic}",
    "Tổng kết {topic} giai đoạn {year0}–{year}",
]
SENTENCES = [
    (
        "Thực hiện Công văn số {num}/UBND-VHTT ngày {date} của Ủy ban nhân dân tỉnh, {unit} thông báo tới "
        "toàn thể nhân dân về {topic}."
    ),
    "Thời gian: từ {time} ngày {date} đến hết ngày {date2}.",
    "Địa điểm: nhà văn hóa {place}, {unit}.",
    "Đề nghị các hộ gia đình, cá nhân chủ động {action}.",
    "Tính đến ngày {date}, toàn xã đã có {count} hộ tham gia, đạt {pct}% kế hoạch năm {year}.",
    "Tổng kinh phí thực hiện là {money} đồng từ nguồn ngân sách {level}.",
    "Mọi thông tin chi tiết xin liên hệ {office} qua số điện thoại 0208 {phone} hoặc đường dây nóng 114.",
    "Trong {period}, trên địa bàn đã xảy ra {small} vụ {incident}, làm {small2} người bị thương.",
    "Ủy ban nhân dân {unit} yêu cầu trưởng thôn, tổ trưởng tổ dân phố phổ biến nội dung này đến từng hộ.",
    "Theo Đài Khí tượng Thủy văn tỉnh, {weather}.",
    "Người dân cần {action} để bảo đảm an toàn cho bản thân và gia đình.",
    (
        "Đoàn kiểm tra liên ngành đã kiểm tra {small} cơ sở, xử phạt {small2} trường hợp vi phạm với tổng số "
        "tiền {money} đồng."
    ),
    "Nội dung này được phát trên {channel} vào lúc {time} hằng ngày.",
    "Căn cứ Quyết định số 614/QĐ-UBND và Nghị định 49/2024/NĐ-CP, các thôn tổ chức tuyên truyền {topic}.",
    "Lực lượng công an xã phối hợp với {office} tăng cường tuần tra, kiểm soát tại {place}.",
    "Trạm y tế {unit} tổ chức {topic} cho {count} người, không có trường hợp phản ứng nặng.",
    "Hội Liên hiệp Phụ nữ và Đoàn Thanh niên {unit} ra quân hưởng ứng {topic}.",
    "Mức hỗ trợ là {pct}% kinh phí, tối đa {money} đồng mỗi hộ.",
    "Hạn nộp hồ sơ trước {time} ngày {date2}; hồ sơ nộp trực tiếp hoặc qua Cổng dịch vụ công quốc gia.",
    "Nhân dịp {holiday}, {unit} đề nghị các gia đình treo cờ Tổ quốc và giữ gìn vệ sinh đường làng.",
]
PLACES = ["thôn Bản Cái", "xóm Làng Mới", "thôn Đồng Tâm", "xóm Na Mao", "thôn Khuôn Tát", "tổ dân phố Tân Lập",
          "tổ dân phố số 3", "xóm Hợp Thành", "thôn Bình Minh", "bản Pác Cáp", "xóm Đèo De", "chợ trung tâm"]  # fmt: skip
ACTIONS = ["phát quang bụi rậm, diệt bọ gậy", "kiểm tra hệ thống điện trong nhà", "đưa trẻ đi tiêm đúng lịch",
           "không tham gia giao thông khi đã uống rượu bia", "cài đặt và kích hoạt tài khoản VNeID",
           "không chuyển tiền cho người lạ qua điện thoại", "gia cố nhà cửa, chằng chống mái tôn",
           "tiêm phòng đầy đủ cho đàn gia súc, gia cầm", "đóng bảo hiểm y tế cho các thành viên"]  # fmt: skip
INCIDENTS = ["tai nạn giao thông", "cháy nhà dân", "lừa đảo chiếm đoạt tài sản", "sạt lở taluy", "đuối nước"]
WEATHER = ["từ đêm nay đến ngày mai có mưa to đến rất to, lượng mưa phổ biến 80–150 mm",
           "mực nước sông Cầu tại Gia Bảy có khả năng lên mức báo động 2",
           "nắng nóng gay gắt kéo dài, nhiệt độ cao nhất 37–39 độ C", "có không khí lạnh tăng cường, rét đậm"]  # fmt: skip
OFFICES = ["Công an xã", "Trạm y tế xã", "Ban Chỉ huy Quân sự xã", "bộ phận một cửa", "Hội Nông dân xã"]
CHANNELS = ["đài truyền thanh cơ sở", "bảng tin điện tử", "trang thông tin điện tử", "nhóm Zalo của thôn"]
HOLIDAYS = ["Quốc khánh 2/9", "Tết Nguyên đán", "ngày Giải phóng miền Nam 30/4", "ngày Quốc tế Lao động 1/5"]
STATUSES = ["distributed"] * 70 + ["draft"] * 10 + ["submitted"] * 6 + ["approved"] * 6 + ["withdrawn"] * 3
STATUSES += ["returned"] * 2 + ["appraised"] * 3
PRIORITIES = ["normal"] * 85 + ["priority"] * 12 + ["emergency"] * 3
LANGUAGES = ["vi"] * 95 + ["tay", "nung", "dao", "hmong", "en"]
COLUMNS = ("kind", "object_id", "unit_path", "organisation_id", "title", "snippet", "search_text",
           "category_id", "status", "language", "priority", "target_paths", "dated")  # fmt: skip


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) // 1024**2
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory = 0
    return f"{cpu}, {os.cpu_count()} cores, {memory} GB RAM, Python {platform.python_version()}"


def rows(
    n: int, *, communes: list[tuple[str, str]], categories: list[int], seed: int = 49
) -> Iterator[tuple]:  # type: ignore[type-arg]
    """``n`` SearchEntry rows, oldest first, spread over five years up to now."""
    from nguon.core.text import fold, nfc

    rnd = random.Random(seed)
    start = datetime.now(tz=UTC) - timedelta(days=5 * 365)
    step = timedelta(days=5 * 365) / max(n, 1)
    pick = rnd.choice
    for i in range(n):
        dated = start + step * i
        path, name = pick(communes) if rnd.random() < 0.85 else ("19/", "tỉnh Thái Nguyên")
        day = dated + timedelta(days=rnd.randint(0, 30))
        values = {
            "topic": pick(TOPICS), "unit": name, "place": pick(PLACES), "year": dated.year,
            "year0": dated.year - 5, "num": rnd.randint(1, 3000), "small": rnd.randint(1, 40),
            "small2": rnd.randint(0, 12), "date": f"{day.day}/{day.month}/{day.year}",
            "date2": f"{(day + timedelta(days=14)).day}/{(day + timedelta(days=14)).month}/{day.year}",
            "month": day.month, "period": pick(["tuần này", "tháng " + str(day.month), f"quý {(day.month + 2) // 3}"]),
            "time": f"{rnd.randint(6, 20)}h{pick(['00', '15', '30'])}", "action": pick(ACTIONS),
            "count": f"{rnd.randint(10, 4000):,}".replace(",", "."), "pct": rnd.randint(30, 100),
            "money": f"{rnd.randint(1, 2500) * 50_000:,}".replace(",", "."), "level": pick(["tỉnh", "xã", "trung ương"]),
            "office": pick(OFFICES), "phone": f"{rnd.randint(3500000, 3899999)}", "incident": pick(INCIDENTS),
            "weather": pick(WEATHER), "channel": pick(CHANNELS), "holiday": pick(HOLIDAYS),
        }  # fmt: skip
        title = nfc(pick(TITLES).format(**values))
        body = " ".join(s.format(**values) for s in rnd.sample(SENTENCES, rnd.randint(5, 10)))
        summary = nfc(pick(SENTENCES).format(**values))
        if path == "19/":
            targets = (
                "" if rnd.random() < 0.6 else " ".join(c for c, _ in rnd.sample(communes, rnd.randint(1, 5)))
            )
        else:
            targets = path
        kind = "campaign" if rnd.random() < 0.05 else "bulletin"
        yield (
            kind, i + 1, path, None, title[:300], summary[:300], fold(f"{title} {summary} {nfc(body)}"),
            pick(categories), pick(STATUSES) if kind == "bulletin" else pick(["draft", "issued", "closed"]),
            pick(LANGUAGES), pick(PRIORITIES), targets, dated,
        )  # fmt: skip


def load(n: int, communes: list[tuple[str, str]], categories: list[int]) -> float:
    from django.db import connection, transaction

    start = time.perf_counter()
    generated = rows(n, communes=communes, categories=categories)
    names = ", ".join(COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor
            with raw.copy("COPY content_searchentry (" + names + ") FROM STDIN") as copy:
                for i, row in enumerate(generated, 1):
                    copy.write_row(row)
                    if i % 100_000 == 0:
                        print(f"  … {i:,} rows", flush=True)
        else:
            marks = ", ".join("?" * len(COLUMNS))
            sql = f"INSERT INTO content_searchentry ({names}) VALUES ({marks})"  # noqa: S608 - constants
            batch: list[tuple] = []  # type: ignore[type-arg]
            for i, row in enumerate(generated, 1):
                batch.append((*row[:-1], row[-1].strftime("%Y-%m-%d %H:%M:%S.%f")))
                if len(batch) == 10_000:
                    cursor.executemany(sql, batch)
                    batch = []
                if i % 100_000 == 0:
                    print(f"  … {i:,} rows", flush=True)
            cursor.executemany(sql, batch)
    return time.perf_counter() - start


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def line(name: str, samples: list[float], baseline: list[float] | None = None, note: str = "") -> None:
    p50, p95 = percentiles(samples)
    text = f"  {name:<62} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms"
    if baseline:
        b50, b95 = percentiles(baseline)
        text += f"   ratio to LIKE: p50 {p50 / b50:5.3f}×  p95 {p95 / b95:5.3f}×"
    print(text + note, flush=True)


#: PostgreSQL: the unbounded variants may each take minutes (to_tsvector on every match); capped here.
UNBOUNDED_TIMEOUT_S = 3
UNBOUNDED_SQL = {
    ("postgresql", "count"): (
        "SELECT count(*) FROM content_searchentry "
        "WHERE to_tsvector('simple'::regconfig, search_text) @@ to_tsquery('simple', %s)"
    ),
    ("postgresql", "rank"): (
        "SELECT id FROM content_searchentry "
        "WHERE to_tsvector('simple'::regconfig, search_text) @@ to_tsquery('simple', %s) "
        "ORDER BY ts_rank(to_tsvector('simple'::regconfig, search_text), to_tsquery('simple', %s)) DESC, "
        "id DESC LIMIT 20"
    ),
    (
        "sqlite",
        "count",
    ): "SELECT count(*) FROM content_searchentry_fts WHERE content_searchentry_fts MATCH %s",
    ("sqlite", "rank"): (
        "SELECT rowid FROM content_searchentry_fts WHERE content_searchentry_fts MATCH %s ORDER BY rank LIMIT 20"
    ),
}


def unbounded(kind: str, match: str) -> Callable[[], bool]:
    """The naive full-text variants the cap avoids: rank every match (FTS5 bm25 / ts_rank), or count
    every match. Returns False when PostgreSQL stopped it at :data:`UNBOUNDED_TIMEOUT_S`."""
    from django.db import OperationalError, connection, transaction

    sql = UNBOUNDED_SQL[(connection.vendor, kind)]
    args = [match] * sql.count("%s")

    def run() -> bool:
        if connection.vendor != "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(sql, args)
                cursor.fetchall()
            return True
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SET LOCAL enable_seqscan = off; SET LOCAL jit = off; "
                    f"SET LOCAL statement_timeout = '{UNBOUNDED_TIMEOUT_S}s'"
                )
                cursor.execute(sql, args)
                cursor.fetchall()
        except OperationalError:
            return False
        return True

    return run


def prepare(args: argparse.Namespace) -> None:
    """Migrate, import the official units, and load ``args.rows`` rows unless they are there already."""
    from django.core.management import call_command
    from django.db import connection

    from nguon.content.models import Category, SearchEntry
    from nguon.core import access
    from nguon.units.models import AdministrativeUnit
    from nguon.units.official_import import import_official_units

    call_command("migrate", verbosity=0)
    if not AdministrativeUnit.objects.filter(path="19/05569/").exists():
        import_official_units(actor=access.SYSTEM)
    existing = SearchEntry.objects.count()
    if existing == args.rows:
        print(f"reusing {existing:,} rows already loaded")
        return
    SearchEntry.objects.all().delete()
    communes = [
        (path, name if name.startswith(("Xã", "Phường")) else f"xã {name}")
        for path, name in AdministrativeUnit.objects.filter(
            path__startswith="19/", level="commune", is_current=True
        ).values_list("path", "full_name")
    ]
    categories = list(Category.objects.values_list("pk", flat=True))
    migration = importlib.import_module("nguon.content.migrations.0003_search_fts")
    with connection.cursor() as cursor:
        for sql in migration.REVERSE[connection.vendor]:
            cursor.execute(sql)
    seconds = load(args.rows, communes, categories)
    print(
        f"load: {args.rows:,} rows in {seconds:.0f} s ({args.rows / seconds:,.0f} rows/s, generation included)"
    )
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in migration.FORWARD[connection.vendor]:
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    print(f"full-text index built in {time.perf_counter() - start:.0f} s (the statements of migration 0003)")


def people() -> tuple[Any, Any]:
    """A provincial editor (sees every row) and the commune operator of xã Định Hóa."""
    from nguon.accounts.choices import Role
    from nguon.accounts.models import User
    from nguon.accounts.services import grant_role
    from nguon.core import access
    from nguon.units.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.get(path="19/05569/")
    board, created = User.objects.get_or_create(username="bench-board")
    operator, _ = User.objects.get_or_create(username="bench-operator")
    if created:
        grant_role(actor=access.SYSTEM, user=board, role=Role.EDITORIAL_BOARD, unit=commune.parent)
        grant_role(actor=access.SYSTEM, user=operator, role=Role.COMMUNE_OPERATOR, unit=commune)
    return board, operator


def bench_engine(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection

    from nguon.content.models import SearchEntry
    from nguon.content.selectors import search as selector

    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"\n== {vendor} {version}", flush=True)
    prepare(args)
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        else:
            cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
        if vendor == "postgresql":
            cursor.execute("SHOW shared_buffers")
            print(f"shared_buffers {cursor.fetchone()[0]} (server default; not tuned)")
    total = SearchEntry.objects.count()
    print(f"data: {total:,} rows, database {size / 1024**3:.2f} GB", flush=True)
    board, operator = people()

    counts = {q: selector.search(board, q) for q in QUERIES}  # also warms the caches
    capped = sum(1 for r in counts.values() if not r.is_count_exact)
    print(
        f"queries: {len(QUERIES)} unaccented, {sum(len(q.split()) for q in QUERIES) / len(QUERIES):.1f} words on "
        f"average; for the provincial editor {capped} have more than {selector.CANDIDATE_LIMIT} matches "
        f"(count capped), {sum(1 for r in counts.values() if r.count == 0)} match nothing",
        flush=True,
    )
    what = f"full-text: top 20 ranked among ≤{selector.CANDIDATE_LIMIT} newest matches + count"
    for label, user in (
        ("provincial editor (sees every row)", board),
        ("commune operator, xã Định Hóa", operator),
    ):
        like = [timed(lambda q=q, u=user: selector.like_search(u, q)) for q in QUERIES]
        ours = [timed(lambda q=q, u=user: selector.search(u, q)) for _ in range(args.repeat) for q in QUERIES]
        print(f"{label}:")
        line("LIKE scan: top 20 newest + exact count (baseline)", like)
        line(what, ours, like)
    print("unbounded full-text (no visibility filter), what the candidate cap avoids:")
    matches = [selector.match_expression(selector.tokens_of(q)) for q in QUERIES if selector.tokens_of(q)]
    for kind, name in (("rank", "rank every match (bm25 / ts_rank), top 20"), ("count", "count every match")):
        samples, stopped = [], 0
        for match in matches:
            start = time.perf_counter()
            stopped += not unbounded(kind, match)()
            samples.append(time.perf_counter() - start)
        line(name, samples, note=f"   ({stopped} stopped at {UNBOUNDED_TIMEOUT_S} s)" if stopped else "")


def run_child(engine: str, argv: list[str], sqlite_dir: str | None) -> None:
    """Run one engine's measurements in a fresh process (settings are read once per process)."""
    import shutil

    import psycopg

    keep = "--keep" in argv
    data_dir = sqlite_dir or tempfile.mkdtemp(prefix="nguon-bench-search-")
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, NGUON_ENV="test", DJANGO_SETTINGS_MODULE="nguon.settings", NGUON_DATA_DIR=data_dir)
    url = os.environ.get("NGUON_BENCH_PG_URL", DEFAULT_PG_URL)
    name, admin = url.rsplit("/", 1)[1], url.rsplit("/", 1)[0] + "/postgres"
    if engine == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
    else:
        env["DATABASE_URL"] = url
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and "--reuse" not in argv:
                conn.execute(f'DROP DATABASE "{name}"')
            if not exists or "--reuse" not in argv:
                conn.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run([sys.executable, __file__, *argv, "--child", engine], env=env, check=True)
    finally:
        if engine == "postgres" and not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not sqlite_dir and not (keep and engine == "sqlite"):
            shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the queries")
    parser.add_argument("--keep", action="store_true", help="keep the databases (prints where)")
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: reuse the data of a kept run")
    parser.add_argument("--sqlite-dir", help="SQLite: use (and keep) the database in this directory")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT / "src"))
        bench_engine(args)
        if args.keep:
            print(f"kept: {os.environ['DATABASE_URL']}")
        return
    print(f"machine: {platform.machine()}, {machine()}; {datetime.now(tz=UTC):%Y-%m-%d %H:%M} UTC")
    argv = [
        a for a in sys.argv[1:] if not a.startswith("--engine") and a not in ("sqlite", "postgres", "both")
    ]
    for engine in ["sqlite", "postgres"] if args.engine == "both" else [args.engine]:
        run_child(engine, argv, args.sqlite_dir)


if __name__ == "__main__":
    main()
