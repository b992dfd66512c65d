"""``nguon speech normalize`` (stdin → stdout, one line out per line in) and
``nguon speech synth --text "…" --voice vi --out file.mp3``."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from nguon.speech import audio, services
from nguon.speech.engines import EngineError
from nguon.speech.models import Voice
from nguon.speech.normalize import NORTHERN, SOUTHERN, normalize_text


def _dictionaries() -> tuple[dict[str, str], dict[str, str]]:
    """The administrators' dictionaries when a database is there; the built-in list otherwise."""
    try:
        return services.dictionaries()
    except DatabaseError:
        return {}, {}


class Command(BaseCommand):
    help = "Vietnamese text normalisation for speech, and text-to-speech to broadcast-ready audio."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        norm = sub.add_parser("normalize", help="Read UTF-8 lines on stdin, write one normalised line each.")
        norm.add_argument("--style", choices=["northern", "southern"], default="northern")
        synth = sub.add_parser("synth", help="Synthesise text to a normalised MP3 (or .opus) file.")
        source = synth.add_mutually_exclusive_group(required=True)
        source.add_argument("--text")
        source.add_argument("--in", dest="infile", type=Path)
        synth.add_argument(
            "--voice", default="vi", help="a voice code, or an espeak-ng voice id (vi, vi-vn-x-south)"
        )
        synth.add_argument("--out", type=Path, required=True)
        synth.add_argument("--speed", type=float)
        synth.add_argument("--pitch", type=int)
        synth.add_argument("--target-lufs", type=float, default=-16.0)
        synth.add_argument("--true-peak", type=float, default=-1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "normalize":
            self._normalize(options["style"])
        else:
            self._synth(**options)

    def _normalize(self, style_name: str) -> None:
        style = SOUTHERN if style_name == "southern" else NORTHERN
        abbreviations, pronunciations = _dictionaries()
        stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
        for line in stdin:
            text = line.rstrip("\r\n")
            out = normalize_text(
                text, style=style, abbreviations=abbreviations, pronunciations=pronunciations
            )
            # Exactly one output line per input line, whatever the normaliser does with the text.
            self.stdout.write(" ".join(out.split()))
            self.stdout.flush()

    def _synth(self, **options: Any) -> None:
        text = options["text"]
        if options["infile"] is not None:
            try:
                text = options["infile"].read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {options['infile']}: {error}") from None
        try:
            voice = Voice.objects.filter(code=options["voice"], is_active=True).first()
        except DatabaseError:
            voice = None
        out: Path = options["out"]
        if out.suffix not in {".mp3", ".opus"}:
            raise CommandError("--out must end in .mp3 or .opus")
        settings = audio.AudioSettings(
            target_lufs=options["target_lufs"], true_peak_dbtp=options["true_peak"]
        )
        try:
            voice = voice or services.builtin_voice(options["voice"])
            abbreviations, pronunciations = _dictionaries()
            style = SOUTHERN if voice.reading_style == "southern" else NORTHERN
            spoken = "\n".join(
                normalize_text(line, style=style, abbreviations=abbreviations, pronunciations=pronunciations)
                for line in text.splitlines()
            ).strip()
            with tempfile.TemporaryDirectory(prefix="nguon-synth-") as tmp:
                result = services.synthesize_to_files(
                    text=text,
                    voice=voice,
                    out_dir=Path(tmp),
                    stem="out",
                    speed=options["speed"],
                    pitch=options["pitch"],
                    settings=settings,
                    normalized=spoken,
                )
                produced = result.mastered.mp3_path if out.suffix == ".mp3" else result.mastered.opus_path
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(produced, out)
        except (EngineError, audio.AudioError) as error:
            raise CommandError(str(error)) from None
        m = result.mastered
        self.stderr.write(
            f"{out}: {m.duration_seconds:.1f} s, {m.loudness.integrated_lufs:.1f} LUFS, "
            f"true peak {m.loudness.true_peak_dbtp:.1f} dBTP, sha256 {m.sha256[:16]}…"
        )
