"""Carrying out verified commands (the verification itself is in ``nguon.devices.protocol.commands``)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from nguon.agent.player import EMERGENCY, LIVE, PLAY_NOW, SCHEDULED
from nguon.devices.protocol.commands import Command
from nguon.devices.protocol.timestamps import utc_now

if TYPE_CHECKING:
    from nguon.agent.core import Agent

log = logging.getLogger("nguon.agent")
NOT_EMERGENCY = frozenset({SCHEDULED, PLAY_NOW, LIVE})


class CommandHandler:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent

    def handle(self, command: Command) -> None:
        agent = self.agent
        handler = getattr(self, "_" + command.type.replace("-", "_"))
        log.info("command #%d %s", command.seq, command.type)
        try:
            handler(command)
        except Exception as error:  # one bad command must not stop the agent
            log.exception("command #%d %s failed", command.seq, command.type)
            agent.event(
                "error", seq=command.seq, group=command.group, command=command.type, detail=str(error)
            )
            return
        agent.event("command-accepted", seq=command.seq, group=command.group, command=command.type)

    # -- content ---------------------------------------------------------------------------------------
    def _manifest_changed(self, command: Command) -> None:
        self.agent.request_sync()

    def _play_now(self, command: Command) -> None:
        agent, item = self.agent, command.body["item"]
        if agent.settings.get("emergency"):
            raise RuntimeError("an emergency broadcast is in progress")
        path = None
        if "media" in item:
            path = agent.ensure_media(item)
            if path is None:
                raise RuntimeError("media could not be fetched")
        agent.player.stop_current(NOT_EMERGENCY)
        agent.player.start(item, path, kind=PLAY_NOW, manifest_version=self._version())

    def _live_start(self, command: Command) -> None:
        """Switch to a live stream at once, like play-now (never over an emergency), until live-stop."""
        agent, body = self.agent, command.body
        if agent.settings.get("emergency"):
            raise RuntimeError("an emergency broadcast is in progress")
        if agent.settings["power"] == "off":
            raise RuntimeError("the amplifier is off")
        current = agent.player.current
        if current is not None and current.kind == LIVE and current.item["id"] == body["id"]:
            return  # already on this live broadcast
        item: dict[str, Any] = {
            "id": body["id"],
            "title": body.get("title", ""),
            "stream": body["stream"],
            "duration_ms": 0,
        }
        if "volume" in body:
            item["volume"] = body["volume"]
        agent.player.stop_current(NOT_EMERGENCY)
        agent.player.start(item, None, kind=LIVE, manifest_version=self._version())

    def _live_stop(self, command: Command) -> None:
        current = self.agent.player.current
        if current is not None and current.kind == LIVE and current.item["id"] == command.body["id"]:
            self.agent.player.stop_current(frozenset({LIVE}))

    def _emergency_start(self, command: Command) -> None:
        body = command.body
        self.start_emergency(body["item"], repeat=int(body.get("repeat", 1)), emergency_id=body.get("id"))
        self.agent.event("emergency-started", seq=command.seq)

    def _emergency_stop(self, command: Command) -> None:
        current = self.agent.settings.get("emergency")
        wanted = command.body.get("id")
        if current and wanted and current.get("id") and current["id"] != wanted:
            return  # a stop for another broadcast
        self.stop_emergency()
        self.agent.event("emergency-stopped", seq=command.seq)

    def start_emergency(self, item: dict[str, Any], *, repeat: int, emergency_id: str | None) -> None:
        agent = self.agent
        agent.settings["emergency"] = {"id": emergency_id, "item": item, "remaining": repeat}
        agent.save_settings()
        agent.player.stop_current(NOT_EMERGENCY)  # preempt at once; its receipt says interrupted
        if agent.ensure_media(item) is None:
            raise RuntimeError("emergency media could not be fetched; the schedule stays suspended")
        self.keep_emergency_playing(agent.settings["emergency"])

    def stop_emergency(self) -> None:
        agent = self.agent
        current = agent.settings.get("emergency")
        if current and current.get("id"):
            agent.settings["ended_emergencies"] = [
                *agent.settings.get("ended_emergencies", []),
                current["id"],
            ][-20:]
        agent.settings["emergency"] = None
        agent.save_settings()
        agent.player.stop_current(frozenset({EMERGENCY}))

    def reconcile_emergency(self, manifest: dict[str, Any]) -> None:
        """Join an emergency the manifest says is on (started while this device was away), or leave
        one it says has ended."""
        block = manifest.get("emergency")
        current = self.agent.settings.get("emergency")
        if block and block["id"] not in self.agent.settings.get("ended_emergencies", []):
            if current is None or current.get("id") != block["id"]:
                log.info("manifest: joining emergency %s", block["id"])
                self.start_emergency(block["item"], repeat=block["repeat"], emergency_id=block["id"])
                self.agent.event("emergency-started", detail=f"from manifest v{manifest['version']}")
        elif block is None and current and current.get("id"):
            log.info("manifest: emergency %s has ended", current["id"])
            self.stop_emergency()
            self.agent.event("emergency-stopped", detail=f"from manifest v{manifest['version']}")

    def keep_emergency_playing(self, emergency: dict[str, Any]) -> None:
        """While in emergency mode: play the emergency item its ``remaining`` times, then stay silent."""
        agent = self.agent
        current = agent.player.current
        if current is not None and current.kind == EMERGENCY:
            return
        if current is not None:
            agent.player.stop_current(NOT_EMERGENCY)
        if emergency["remaining"] <= 0:
            return
        path = agent.storage.media_path(emergency["item"]["media"]["sha256"])
        if not path.exists():
            return
        emergency["remaining"] -= 1
        agent.save_settings()
        agent.player.start(emergency["item"], path, kind=EMERGENCY, manifest_version=self._version())

    def _stop(self, command: Command) -> None:
        self.agent.player.stop_current(NOT_EMERGENCY)

    # -- device ----------------------------------------------------------------------------------------
    def _volume(self, command: Command) -> None:
        self.agent.settings["volume"] = command.body["level"]
        self.agent.save_settings()

    def _power(self, command: Command) -> None:
        self.agent.settings["power"] = command.body["state"]
        self.agent.save_settings()
        if command.body["state"] == "off":
            self.agent.player.stop_current(NOT_EMERGENCY)

    def _reboot(self, command: Command) -> None:
        self.agent.event("rebooting", seq=command.seq)
        if self.agent.on_reboot is not None:
            self.agent.on_reboot()

    def _time_sync(self, command: Command) -> None:
        offset = (command.ts - utc_now()) / timedelta(seconds=1)
        self.agent.settings["clock_offset_s"] = offset
        self.agent.save_settings()
        log.info("clock offset set to %.3f s", offset)

    def _version(self) -> int:
        return int(self.agent.manifest["version"]) if self.agent.manifest else 0
