"""Icecast2 for live broadcasts: the generated configuration, running it unprivileged, a real Icecast fed
by ffmpeg and read by an HTTP client, a mount added while it runs (SIGHUP), and ``nguon start``'s plan."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from lxml import etree

from nguon.core.management.commands.start import icecast_plan
from nguon.radio import icecast

from .live_helpers import feed_mount, read_mount, require_icecast, running_icecast


@pytest.fixture
def ice(settings, monkeypatch):
    yield from running_icecast(settings, monkeypatch)


def parse(path: Path) -> etree._ElementTree:
    return etree.parse(str(path))


def test_the_configuration_lives_in_the_data_dir_with_generated_passwords_and_one_mount_per_session(tmp_path):
    settings = icecast.icecast_settings({}, tmp_path)
    assert (settings.bind, settings.port, settings.listen_url) == ("127.0.0.1", 8010, "http://127.0.0.1:8010")
    path = icecast.write_config(
        settings, [icecast.Mount("/live-05569-1.mp3", "mk<&>1", "Họp dân <thôn>")], fresh=True
    )
    assert path == tmp_path / "icecast" / "icecast.xml"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    tree = parse(path)
    assert tree.findtext("listen-socket/bind-address") == "127.0.0.1"
    assert tree.findtext("listen-socket/port") == "8010"
    assert tree.find("security/changeowner") is None
    assert tree.findtext("paths/pidfile") == str(tmp_path / "icecast" / "icecast.pid")
    assert tree.findtext("paths/logdir") == str(tmp_path / "icecast")
    [mount] = tree.findall("mount")
    assert (mount.findtext("mount-name"), mount.findtext("password")) == ("/live-05569-1.mp3", "mk<&>1")
    assert mount.findtext("stream-name") == "Họp dân <thôn>"
    source = tree.findtext("authentication/source-password")
    admin = tree.findtext("authentication/admin-password")
    assert source
    assert admin
    assert source != admin
    assert len(source) >= 24
    # A rewrite (a new live session, by the web server) keeps the running Icecast's passwords...
    icecast.write_config(settings, [])
    assert parse(path).findtext("authentication/source-password") == source
    assert parse(path).findall("mount") == []
    # ...and a new run makes new ones.
    icecast.write_config(settings, [], fresh=True)
    assert parse(path).findtext("authentication/source-password") != source


def test_passwords_bind_port_and_public_url_come_from_the_environment(tmp_path):
    env = {
        "NGUON_ICECAST_BIND": "0.0.0.0",  # noqa: S104 — the setting under test
        "NGUON_ICECAST_PORT": "8123",
        "NGUON_ICECAST_SOURCE_PASSWORD": "nguon-source-2026",
        "NGUON_ICECAST_ADMIN_PASSWORD": "nguon-admin-2026",
        "NGUON_ICECAST_PUBLIC_URL": "https://live.nguon.example/",
    }
    settings = icecast.icecast_settings(env, tmp_path)
    tree = parse(icecast.write_config(settings, [], fresh=True))
    assert tree.findtext("authentication/source-password") == "nguon-source-2026"
    assert tree.findtext("authentication/admin-password") == "nguon-admin-2026"
    assert tree.findtext("listen-socket/bind-address") == env["NGUON_ICECAST_BIND"]
    assert settings.listen_url == "https://live.nguon.example"
    assert settings.local_url == "http://127.0.0.1:8123"
    for bad in ("abc", "0", "70000"):
        with pytest.raises(ValueError, match="NGUON_ICECAST_PORT"):
            icecast.icecast_settings({"NGUON_ICECAST_PORT": bad}, tmp_path)


def test_icecast_never_runs_as_root(tmp_path):
    require_icecast()
    reachable = Path(tempfile.mkdtemp(prefix="nguon-icecast-"))
    reachable.chmod(0o755)
    try:
        settings = icecast.icecast_settings({}, reachable)
        command = icecast.argv(settings)
    finally:
        shutil.rmtree(reachable)
    if os.geteuid() != 0:
        assert command == [icecast.binary(), "-c", str(settings.config_path)]
        return
    assert Path(command[0]).name == "setpriv"
    assert not any(arg in ("--reuid=0", "--regid=0") for arg in command)
    assert command[-2:] == ["-c", str(settings.config_path)]
    unknown = icecast.icecast_settings({"NGUON_ICECAST_USER": "khong-co-tai-khoan-nay"}, reachable)
    with pytest.raises(FileNotFoundError, match="NGUON_ICECAST_USER"):
        icecast.argv(unknown)
    # Under a 0700 folder the unprivileged account could not read its configuration: that is said
    # plainly (and `nguon start` goes on without Icecast) instead of Icecast failing to parse the file.
    blocked = tmp_path / "blocked"
    blocked.mkdir(mode=0o700)
    problem = icecast.preflight(icecast.icecast_settings({}, blocked / "data"))
    assert "cannot reach" in problem
    assert str(blocked) in problem


def test_a_real_icecast_takes_a_source_on_a_new_mount_and_listeners_get_its_bytes(ice):
    mount = icecast.Mount("/live-05569-9.mp3", "mat-khau-phien-9", "Thử")
    icecast.write_config(ice, [mount])
    assert icecast.reload(ice)  # SIGHUP: Icecast reads the new mount
    host = ice.local_url.split("://")[1]
    wrong = subprocess.run(  # the session's mount refuses the global source password of another one
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine", "-t", "1", "-c:a", "libmp3lame",
         "-f", "mp3", f"icecast://source:sai-mat-khau@{host}{mount.name}"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert wrong.returncode != 0
    assert "401" in wrong.stderr
    source = feed_mount(ice, mount.name, mount.password)
    try:
        data = read_mount(ice.local_url + mount.name, 8192)
    finally:
        source.terminate()
        source.wait(10)
    assert len(data) == 8192
    assert data[:3] == b"ID3" or data[0] == 0xFF  # MP3: an ID3 tag or a frame sync
    assert (ice.directory / "error.log").exists()


def test_nguon_start_supervises_icecast_in_development_only(settings, tmp_path):
    reachable = Path(tempfile.mkdtemp(prefix="nguon-icecast-"))  # the test run's own data dir may be 0700
    reachable.chmod(0o755)
    settings.DATA_DIR = reachable / "data"
    env: dict[str, str] = {}
    children, url = icecast_plan(environment="development", env=env)
    if icecast.binary() is None:
        assert (children, url) == ([], "")
        return
    [child] = children
    assert child.name == "icecast"
    assert child.argv[-1] == "icecast"
    assert child.wait_for_port == 8010
    assert url == "http://127.0.0.1:8010"
    assert env["NGUON_ICECAST_SOURCE_PASSWORD"]
    assert env["NGUON_ICECAST_ADMIN_PASSWORD"]
    kept = {"NGUON_ICECAST_SOURCE_PASSWORD": "giu-nguyen", "NGUON_ICECAST_PORT": "8111"}
    children, url = icecast_plan(environment="development", env=kept)
    assert (kept["NGUON_ICECAST_SOURCE_PASSWORD"], children[0].wait_for_port) == ("giu-nguyen", 8111)
    settings.DATA_DIR = tmp_path / "blocked" / "data"
    (tmp_path / "blocked").mkdir(mode=0o700)
    if os.geteuid() == 0:  # root with a data dir Icecast's account cannot reach: no child, the reason shown
        children, note = icecast_plan(environment="development", env={})
        assert children == []
        assert "cannot reach" in note
    assert icecast_plan(environment="production", env={}) == ([], "")
    assert icecast_plan(environment="development", env={}, enabled=False) == ([], "")
