"""What the agent keeps on disk under its state directory, so that it plays through restarts and outages.

::

    seq.json            last accepted command sequence (replay protection)
    manifest.json       the last verified, signed manifest, and its ETag
    handled.json        items already played or reported ("<id>@<start>")
    settings.json       volume, power, clock offset
    media/<sha256>      cached media, checked against their hash
    spool/<id>.json     receipts not yet acknowledged by the server (one file per receipt)
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from nguon.devices.protocol.replay import write_atomically


class AgentStorage:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.media_dir = root / "media"
        self.spool_dir = root / "spool"
        for folder in (root, self.media_dir, self.spool_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    # -- small JSON documents --------------------------------------------------------------------------
    def read(self, name: str, default: Any) -> Any:
        path = self.root / name
        if not path.exists():
            return default
        try:
            return json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return default

    def write(self, name: str, value: Any) -> None:
        with self._lock:
            write_atomically(self.root / name, json.dumps(value, ensure_ascii=False).encode("utf-8"))

    # -- media cache -----------------------------------------------------------------------------------
    def media_path(self, sha256: str) -> Path:
        return self.media_dir / sha256

    def has_media(self, sha256: str) -> bool:
        return self.media_path(sha256).exists()

    def prune_media(self, keep: set[str]) -> None:
        for path in self.media_dir.iterdir():
            if path.name not in keep and not path.name.endswith(".part"):
                path.unlink(missing_ok=True)

    # -- receipt spool ---------------------------------------------------------------------------------
    def spool(self, receipt: dict[str, Any]) -> None:
        write_atomically(self.spool_dir / f"{receipt['id']}.json", json.dumps(receipt).encode("utf-8"))

    def spooled(self) -> list[dict[str, Any]]:
        receipts = []
        for path in sorted(self.spool_dir.glob("*.json")):
            try:
                receipts.append(json.loads(path.read_text("utf-8")))
            except (OSError, ValueError):
                continue  # a torn write cannot happen (atomic), but never let one file stop the rest
        return receipts

    def unspool(self, receipt_id: str) -> bool:
        path = self.spool_dir / f"{receipt_id}.json"
        existed = path.exists()
        path.unlink(missing_ok=True)
        return existed
