"""Speech benchmark: a 1,000-word bulletin from text to a normalised MP3, beside raw ``espeak-ng`` +
``ffmpeg`` on the same text in the same run (goal: ratio ≤ 1.3×), and normalisation throughput.

    .venv/bin/python bench/speech.py
"""

from __future__ import annotations

import os
import platform
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


def main() -> None:
    call_command("migrate", verbosity=0)
    text = bulletin()
    voice = services.builtin_voice("vi")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"data: {len(text.split()):,} words, {len(text):,} characters")
    ours, raw = [], []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            result = services.synthesize_to_files(
                text=text, voice=voice, out_dir=Path(tmp), stem="b", with_opus=False
            )
            ours.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            raw_pipeline(text, Path(tmp))
            raw.append(time.perf_counter() - start)
    m, b = statistics.median(ours), statistics.median(raw)
    print(
        f"text → normalised MP3 ({result.mastered.duration_seconds:.0f} s of audio, "
        f"{result.mastered.loudness.integrated_lufs:.1f} LUFS, {result.mastered.passes} gain passes)"
    )
    print(
        f"  nguon pipeline (MP3 only) p50 {m:6.2f} s   raw espeak-ng + ffmpeg p50 {b:6.2f} s   ratio {m / b:4.2f}×"
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
