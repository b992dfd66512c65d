"""Rendering the docx to PDF with LibreOffice (headless ``soffice``, installed by scripts/setup-os.sh), and
PDF pages to PNG with poppler's ``pdftoppm`` — the same document, not a second layout to keep in step."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 120


class RenderError(RuntimeError):
    """LibreOffice or poppler is missing or failed."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RenderError(f"Thiếu chương trình {name} (cài bằng scripts/setup-os.sh).")
    return path


def docx_to_pdf(docx: bytes) -> bytes:
    soffice = _tool("soffice")
    with tempfile.TemporaryDirectory(prefix="nguon-report-") as tmp:
        folder = Path(tmp)
        source = folder / "bao-cao.docx"
        source.write_bytes(docx)
        # A private profile: two renders at once must not share LibreOffice's user installation.
        profile = (folder / "profile").as_uri()
        command = [
            soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(folder), str(source),
        ]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)  # noqa: S603
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise RenderError(f"LibreOffice không chuyển được sang PDF: {error}") from None
        target = folder / "bao-cao.pdf"
        if not target.exists():
            raise RenderError("LibreOffice không tạo ra tệp PDF.")
        return target.read_bytes()


def pdf_to_png(pdf: bytes, *, dpi: int = 80) -> list[bytes]:
    """Every page of ``pdf`` as a PNG image."""
    pdftoppm = _tool("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="nguon-report-") as tmp:
        folder = Path(tmp)
        (folder / "in.pdf").write_bytes(pdf)
        command = [pdftoppm, "-png", "-r", str(dpi), str(folder / "in.pdf"), str(folder / "page")]
        subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)  # noqa: S603
        return [page.read_bytes() for page in sorted(folder.glob("page-*.png"))]


def pdf_text(pdf: bytes) -> str:
    pdftotext = _tool("pdftotext")
    with tempfile.TemporaryDirectory(prefix="nguon-report-") as tmp:
        path = Path(tmp) / "in.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(  # noqa: S603
            [pdftotext, "-enc", "UTF-8", str(path), "-"],
            check=True,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
        return result.stdout.decode("utf-8")
