"""Public feeds and read API benchmark: requests/s and p99 of the public bulletin list (/api/public/v1/bulletins)
and the Vietnamese RSS feed, cold (rendered) and revalidated (``If-None-Match`` → 304), beside a bare Django
view returning a constant in the same run.

    .venv/bin/python bench/public_feeds.py                  # 3,000 public bulletins, ~2 min in all
    .venv/bin/python bench/public_feeds.py --bulletins 5000 --seconds 5

Set-up: a throw-away PostgreSQL database (``--database-url``, default ``nguon_bench_feeds``, dropped and made
anew), migrated, official units imported; N public bulletins of the province's communes (live revision 1, a
portal delivery each, Vietnamese text of 5–10 sentences, 5 % with a published English translation) plus 10 %
as many drafts and withdrawn ones that the public must not see, all written with ``bulk_create``, then
``ANALYZE`` (as autovacuum would have run on a live database).

Requests go through Django's test ``Client`` in this process: the whole WSGI handler — every middleware of
``settings.MIDDLEWARE``, URL resolution, the views — with no socket or HTTP server, one request at a time
(so requests/s is one worker's throughput; gunicorn workers multiply it by roughly the cores). The baseline is
a bare view (``/bench/bare``: no database, a constant small JSON body with an ETag, 304 on a match) appended to
the product's URLconf in this process only. Each scenario runs ``--seconds`` after a warm-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from harness import ensure_postgres_database  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/nguon_bench_feeds"
BARE_PATH = "/bench/bare"
BARE_ETAG = '"bench-bare-0000000000000000000000"'

SENTENCES = [
    "Thực hiện Công văn số {n}/UBND-VHTT của Ủy ban nhân dân tỉnh, {unit} thông báo tới toàn thể nhân dân.",
    "Thời gian: từ 7h30 ngày {d}/{m}/2026 đến hết ngày {d2}/{m}/2026.",
    "Địa điểm: nhà văn hóa thôn Bản Cái, {unit}.",
    "Đề nghị các hộ gia đình chủ động phát quang bụi rậm, diệt bọ gậy.",
    "Tính đến nay toàn xã đã có {n} hộ tham gia, đạt {p}% kế hoạch năm 2026.",
    "Mọi thông tin chi tiết xin liên hệ Trạm y tế xã qua đường dây nóng 114.",
    "Theo Đài Khí tượng Thủy văn tỉnh, từ đêm nay có mưa to đến rất to, lượng mưa 80–150 mm.",
    "Ủy ban nhân dân {unit} yêu cầu trưởng thôn phổ biến nội dung này đến từng hộ.",
    "Người dân cần cài đặt và kích hoạt tài khoản định danh điện tử VNeID mức 2.",
    "Hội Liên hiệp Phụ nữ và Đoàn Thanh niên {unit} ra quân hưởng ứng phong trào.",
]
TITLES = [
    "Thông báo lịch tiêm chủng mở rộng tại {unit} tháng {m}",
    "Cảnh báo mưa lớn, lũ quét và sạt lở đất trên địa bàn {unit}",
    "Kế hoạch phòng, chống dịch sốt xuất huyết năm 2026 của {unit}",
    "Lịch tiếp công dân của Chủ tịch Ủy ban nhân dân {unit}",
    "Hướng dẫn người dân sử dụng dịch vụ công trực tuyến",
]

# -- the bare baseline, added to the product's URLconf in this process only --------------------------------
urlpatterns: list[Any] = []


def _bare(request: Any) -> Any:
    """A constant small JSON with an ETag: what any response costs through the same middleware."""
    from django.http import HttpResponse, JsonResponse

    if request.headers.get("If-None-Match", "") == BARE_ETAG:
        response: Any = HttpResponse(status=304)
    else:
        response = JsonResponse({"count": 0, "items": []})
    response["ETag"] = BARE_ETAG
    response["Cache-Control"] = "public, max-age=60"
    return response


def _machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    return f"{platform.machine()} · {os.cpu_count()} cores · {model} · Python {platform.python_version()}"


def populate(n: int, seed: int = 49) -> dict[str, int]:
    """``n`` public bulletins (and noise the public must not see); returns row counts."""
    from django.conf import settings
    from django.utils import timezone

    from nguon.content.choices import Channel, DeliveryStatus, Priority, SourceLevel, Status, TargetScope
    from nguon.content.html import sanitise, to_text
    from nguon.content.models import Bulletin, BulletinRevision, Category, Delivery
    from nguon.translations.choices import TranslationStatus
    from nguon.translations.models import Translation
    from nguon.units.selectors import list_communes

    rnd = random.Random(seed)
    communes = list(list_communes(province_code=settings.NGUON_PROVINCE_CODE))
    categories = list(Category.objects.filter(is_active=True))
    now = timezone.now()
    noise = n // 10
    rows: list[Bulletin] = []
    for i in range(n + noise):
        unit = rnd.choice(communes)
        values = {"unit": unit.full_name, "n": rnd.randint(10, 3000), "p": rnd.randint(30, 100),
                  "d": rnd.randint(1, 14), "d2": rnd.randint(15, 28), "m": rnd.randint(1, 12)}  # fmt: skip
        body = sanitise(
            "".join(f"<p>{s.format(**values)}</p>" for s in rnd.sample(SENTENCES, rnd.randint(5, 10)))
        )
        public = i < n
        status = Status.DISTRIBUTED if public else rnd.choice([Status.DRAFT, Status.WITHDRAWN])
        when = now - timedelta(minutes=7 * (n + noise - i))
        rows.append(
            Bulletin(
                unit=unit,
                source_level=SourceLevel.COMMUNE,
                title=rnd.choice(TITLES).format(**values),
                summary=SENTENCES[0].format(**values),
                body=body,
                body_text=to_text(body),
                category=rnd.choice(categories),
                priority=rnd.choices([Priority.NORMAL, Priority.PRIORITY, Priority.EMERGENCY], [85, 12, 3])[
                    0
                ],
                target_scope=TargetScope.COMMUNES,
                channels=[Channel.PORTAL, Channel.RADIO],
                status=status,
                live_revision=None if status == Status.DRAFT else 1,
                distributed_at=None if status == Status.DRAFT else when,
                first_distributed_at=None if status == Status.DRAFT else when,
                withdrawn_at=when + timedelta(minutes=3) if status == Status.WITHDRAWN else None,
            )
        )
    made = Bulletin.objects.bulk_create(rows, batch_size=1000)
    live = [b for b in made if b.live_revision is not None]
    BulletinRevision.objects.bulk_create(
        [
            BulletinRevision(
                bulletin=b,
                number=1,
                body=b.body,
                data={
                    "title": b.title,
                    "summary": b.summary,
                    "body_text": b.body_text,
                    "language": b.language,
                    "priority": b.priority,
                    "category": b.category.name,
                },
            )
            for b in live
        ],
        batch_size=1000,
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                bulletin=b,
                channel=Channel.PORTAL,
                unit=b.unit,
                revision=1,
                status=DeliveryStatus.WITHDRAWN if b.status == Status.WITHDRAWN else DeliveryStatus.DELIVERED,
                delivered_at=b.distributed_at,
            )
            for b in live
        ],
        batch_size=1000,
    )
    translated = [b for b in made[:n] if rnd.random() < 0.05]
    Translation.objects.bulk_create(
        [
            Translation(
                bulletin=b,
                language="en",
                title=f"Notice {b.pk} from {b.unit.name}",
                summary="Summary in English.",
                body="<p>English text of the bulletin.</p>",
                body_text="English text of the bulletin.",
                status=TranslationStatus.PUBLISHED,
                source_revision=1,
                published_at=b.distributed_at,
            )
            for b in translated
        ]
    )
    return {"bulletins": len(made), "public": n, "translations": len(translated), "communes": len(communes)}


class Figures:
    """Latencies of one scenario."""

    def __init__(
        self, label: str, latencies: list[float], elapsed: float, status: set[int], size: int
    ) -> None:
        self.label = label
        self.latencies = latencies
        self.elapsed = elapsed
        self.status = status
        self.size = size

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed

    def ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(client: Any, label: str, path: str, seconds: float, headers: dict[str, str] | None = None) -> Figures:
    get: Callable[[], Any] = lambda: client.get(path, headers=headers or {})  # noqa: E731
    for _ in range(20):
        get()
    latencies: list[float] = []
    statuses: set[int] = set()
    size = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        began = time.perf_counter()
        response = get()
        latencies.append(time.perf_counter() - began)
        statuses.add(response.status_code)
        size = len(response.content)
        if began > deadline:
            break
    return Figures(label, latencies, time.perf_counter() - start, statuses, size)


def line(f: Figures, base: Figures | None) -> str:
    text = (
        f"  {f.label:<34} {f.rps:8.0f} req/s   p50 {f.ms(0.5):6.2f} ms   p99 {f.ms(0.99):6.2f} ms"
        f"   {f.size:7d} B   status {sorted(f.status)}"
    )
    if base is not None:
        text += f"   ({f.rps / base.rps:4.2f}× bare rps, p99 {f.ms(0.99) / base.ms(0.99):5.1f}× bare)"
    return text


def explain(client: Any, api: str, rss: str, etags: dict[str, str]) -> None:
    """What a request costs in SQL: the ETag's version read alone, and the number of queries of each scenario."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nguon.feeds import freshness
    from nguon.feeds.sections import resolve_section

    stamp_ms = []
    for _ in range(200):
        began = time.perf_counter()
        freshness.public_stamp()
        stamp_ms.append((time.perf_counter() - began) * 1000)
    print(
        f"\n  ETag public-version read alone (ORM + SQL, one primary-key read; "
        f"{resolve_section('vi').bulletins().count():,} public rows): "
        f"p50 {statistics.median(stamp_ms):.2f} ms, min {min(stamp_ms):.2f} ms"
    )
    for label, target, headers in [
        ("API list 200", api, {}),
        ("API list 304", api, {"If-None-Match": etags[api]}),
        ("RSS 200", rss, {}),
        ("RSS 304", rss, {"If-None-Match": etags[rss]}),
    ]:
        with CaptureQueriesContext(connection) as queries:
            client.get(target, headers=headers)
        print(f"  SQL queries per request, {label}: {len(queries.captured_queries)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bulletins", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=4.0, help="measured time per scenario")
    parser.add_argument("--database-url", default=os.environ.get("NGUON_BENCH_PG_URL", DEFAULT_DB))
    args = parser.parse_args()

    os.environ["NGUON_ENV"] = "test"
    os.environ.setdefault("NGUON_DATA_DIR", tempfile.mkdtemp(prefix="nguon-bench-feeds-"))
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nguon.settings")
    ensure_postgres_database(args.database_url, fresh=True)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import include, path

    from nguon.core.access import SystemActor
    from nguon.units.official_import import import_official_units

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    import_official_units(actor=SystemActor("bench"))
    counts = populate(args.bulletins)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as autovacuum would have them on a live database
    setup_s = time.perf_counter() - began

    urlpatterns[:] = [path("", include(settings.ROOT_URLCONF)), path(BARE_PATH.lstrip("/"), _bare)]
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()

    api = "/api/public/v1/bulletins?page_size=20"
    rss = "/feeds/vi/rss.xml"
    etags = {p: client.get(p)["ETag"] for p in (api, rss, BARE_PATH)}
    assert all(etags.values()), etags

    print(
        "Public feeds and read API — Django test Client (in-process WSGI handler, full middleware), PostgreSQL"
    )
    print(f"Machine: {_machine()} · load average {os.getloadavg()[0]:.1f} at start")
    print(
        f"Data: {counts['public']:,} public bulletins ({counts['bulletins']:,} rows with drafts and withdrawn), "
        f"{counts['translations']} English translations, {counts['communes']} communes; set-up {setup_s:.0f} s"
    )
    print(f"Each scenario: {args.seconds:.0f} s, one request at a time, after 20 warm-up requests.\n")

    bare_200 = run(client, "bare view 200 (constant)", BARE_PATH, args.seconds)
    bare_304 = run(client, "bare view 304", BARE_PATH, args.seconds, {"If-None-Match": etags[BARE_PATH]})
    results = [
        (run(client, "API list 200 (page_size 20)", api, args.seconds), bare_200),
        (
            run(client, "API list 304 (If-None-Match)", api, args.seconds, {"If-None-Match": etags[api]}),
            bare_304,
        ),
        (run(client, "RSS vi 200 (50 items)", rss, args.seconds), bare_200),
        (
            run(client, "RSS vi 304 (If-None-Match)", rss, args.seconds, {"If-None-Match": etags[rss]}),
            bare_304,
        ),
    ]
    print(line(bare_200, None))
    print(line(bare_304, None))
    for figures, base in results:
        print(line(figures, base))
    explain(client, api, rss, etags)
    later_bare = run(client, "bare view 200 (again, late)", BARE_PATH, args.seconds / 2)
    print(line(later_bare, None))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    drift = abs(bare_200.rps - later_bare.rps) / statistics.mean([bare_200.rps, later_bare.rps]) * 100
    print(f"\nbare 200 early/late: {bare_200.rps:.0f} / {later_bare.rps:.0f} req/s (drift {drift:.1f} %)")


if __name__ == "__main__":
    main()
