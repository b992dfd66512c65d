"""Speech benchmark: a 1,000-word bulletin from text to a normalised MP3, beside raw ``espeak-ng`` +
``ffmpeg`` on the same text in the same run (goal: ratio ≤ 1.3×), and normalisation throughput.

    .venv/bin/python bench/speech.py [runs]

The two pipelines run in turn, ``runs`` times each (default 5); the medians of wall-clock time are
compared. CPU seconds (this process and its children: espeak-ng, ffmpeg) are printed too, with the load
average: Nguồn spreads its work over two cores, so on a machine busy with other work its wall-clock time
suffers more than the single-process baseline's, and the CPU figures show what the work itself costs.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("NGUON_ENV", "test")
os.environ.setdefault("NGUON_DATA_DIR", tempfile.mkdtemp(prefix="nguon-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{os.environ['NGUON_DATA_DIR']}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nguon.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from nguon.speech import services  # noqa: E402
from nguon.speech.normalize import normalize_text, split_sentences  # noqa: E402

PARAGRAPH = (
    "Thực hiện Công văn số 1229/UBND-VHTT ngày 11/3/2024 của UBND huyện, hồi 15h30 ngày 29/3/2024, "
    "UBND xã Định Hóa tổ chức hội nghị triển khai công tác thông tin cơ sở năm 2024. Theo báo cáo, "
    "100% thôn, tổ dân phố đã có cụm loa, tổng kinh phí 1.250.000.000 đồng, trong đó ngân sách tỉnh "
    "hỗ trợ 30-50%. Bão số 3 gây mưa 200 mm, mực nước sông Cầu lên 25,5 m. Mọi thông tin xin liên hệ "
    "đường dây nóng 0208 3855 123 hoặc gọi 114 khi có cháy. Đề nghị các thôn tuyên truyền tới từng hộ gia đình."
)


def bulletin(words: int = 1000) -> str:
    text, count = [], 0
    while count < words:
        text.append(PARAGRAPH)
        count += len(PARAGRAPH.split())
    return " ".join(text)


def raw_pipeline(text: str, out_dir: Path) -> None:
    wav = out_dir / "raw.wav"
    subprocess.run(
        ["espeak-ng", "-v", "vi", "-s", "165", "-w", str(wav), "--stdin"], input=text.encode(), check=True
    )
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(wav),
            "-c:a",
            "libmp3lame",
            "-b:a",
            "96k",
            str(out_dir / "raw.mp3"),
        ],
        check=True,
    )


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    call_command("migrate", verbosity=0)
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    text = bulletin()
    voice = services.builtin_voice("vi")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"data: {len(text.split()):,} words, {len(text):,} characters")
    load_before = os.getloadavg()[0]
    ours, raw, ours_cpu, raw_cpu = [], [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            start, cpu = time.perf_counter(), cpu_seconds()
            result = services.synthesize_to_files(
                text=text, voice=voice, out_dir=Path(tmp), stem="b", with_opus=False
            )
            ours.append(time.perf_counter() - start)
            ours_cpu.append(cpu_seconds() - cpu)
        with tempfile.TemporaryDirectory() as tmp:
            start, cpu = time.perf_counter(), cpu_seconds()
            raw_pipeline(text, Path(tmp))
            raw.append(time.perf_counter() - start)
            raw_cpu.append(cpu_seconds() - cpu)
    m, b = statistics.median(ours), statistics.median(raw)
    mc, bc = statistics.median(ours_cpu), statistics.median(raw_cpu)
    mastered = result.mastered
    print(
        f"text → normalised MP3 ({mastered.duration_seconds:.0f} s of audio; the MP3 measures "
        f"{mastered.loudness.integrated_lufs:.1f} LUFS, true peak {mastered.loudness.true_peak_dbtp:.1f} dBTP; "
        f"{mastered.passes} loudness passes)"
    )
    print(
        f"  nguon pipeline (MP3 only) p50 {m:6.2f} s   raw espeak-ng + ffmpeg p50 {b:6.2f} s   ratio {m / b:4.2f}×"
        f"   (runs: {', '.join(f'{x:.2f}' for x in ours)} vs {', '.join(f'{x:.2f}' for x in raw)})"
    )
    print(
        f"  CPU seconds p50: nguon {mc:5.2f}   raw {bc:5.2f}   ratio {mc / bc:4.2f}×   "
        f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}"
    )
    sentences = split_sentences(text) * 10
    start = time.perf_counter()
    for sentence in sentences:
        normalize_text(sentence)
    elapsed = time.perf_counter() - start
    baseline_start = time.perf_counter()
    for sentence in sentences:
        " ".join(sentence.split())  # whitespace clean-up only: the floor of any text pass
    baseline = time.perf_counter() - baseline_start
    print(
        f"normalisation: {len(sentences) / elapsed:,.0f} sentences/s ({len(sentences):,} sentences); "
        f"whitespace-only baseline {len(sentences) / baseline:,.0f}/s; ratio {elapsed / baseline:,.0f}×"
    )


if __name__ == "__main__":
    main()
