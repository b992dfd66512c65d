"""Icecast2 for live broadcasts: its configuration file and how to run it (see docs/radio-live.md).

Nguồn runs its own Icecast (``nguon icecast``; ``nguon start`` supervises it in development), never the
distribution's service. The configuration lives in ``$NGUON_DATA_DIR/icecast/icecast.xml`` with its logs and
pid file beside it:

- it listens on ``NGUON_ICECAST_BIND`` (127.0.0.1) port ``NGUON_ICECAST_PORT`` (8010);
- the source and admin passwords come from ``NGUON_ICECAST_SOURCE_PASSWORD`` / ``NGUON_ICECAST_ADMIN_PASSWORD``,
  or are generated for each run when those are empty; a rewrite of the file by the web server (a new live
  session) keeps the passwords the running Icecast was started with;
- every live session that is waiting or on air gets a ``<mount>`` with its own source password, so an
  encoder given one session's password can feed only that mount. A rewrite is followed by ``SIGHUP``, which
  makes Icecast read the file again;
- no ``<changeowner>``: Icecast refuses to run as root, so when Nguồn itself runs as root (containers, CI)
  Icecast is started through ``setpriv`` as the unprivileged ``NGUON_ICECAST_USER`` (default ``icecast2``,
  the account the Debian package creates, else ``nobody``), and the ``icecast/`` folder is given to it.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError
from xml.sax.saxutils import escape

from lxml import etree

DEFAULT_PORT = 8010
DEFAULT_BIND = "127.0.0.1"
SOURCE_USER = "source"  # Icecast's fixed user name for sources
WEB_ROOTS = (Path("/usr/share/icecast2"), Path("/usr/share/icecast"), Path("/etc/icecast2"))


@dataclass(frozen=True)
class IcecastSettings:
    data_dir: Path
    bind: str = DEFAULT_BIND
    port: int = DEFAULT_PORT
    source_password: str = field(default="", repr=False)
    admin_password: str = field(default="", repr=False)
    public_url: str = ""  # what devices open; default http://127.0.0.1:<port>
    run_as: str = ""  # the account Icecast runs as when Nguồn runs as root

    @property
    def directory(self) -> Path:
        return self.data_dir / "icecast"

    @property
    def config_path(self) -> Path:
        return self.directory / "icecast.xml"

    @property
    def pid_path(self) -> Path:
        return self.directory / "icecast.pid"

    @property
    def local_url(self) -> str:
        """Where this host reaches Icecast (the source side: ffmpeg, status checks)."""
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "::", "") else self.bind  # noqa: S104
        return f"http://{host}:{self.port}"

    @property
    def listen_url(self) -> str:
        """Where devices open the streams (``NGUON_ICECAST_PUBLIC_URL``)."""
        return (self.public_url or f"http://127.0.0.1:{self.port}").rstrip("/")


def icecast_settings(env: Mapping[str, str], data_dir: Path) -> IcecastSettings:
    """Settings from the environment; raises ``ValueError`` for a bad port."""
    raw_port = env.get("NGUON_ICECAST_PORT", "").strip() or str(DEFAULT_PORT)
    try:
        port = int(raw_port)
    except ValueError:
        raise ValueError(f"NGUON_ICECAST_PORT must be a port number, not {raw_port!r}") from None
    if not 1 <= port <= 65535:
        raise ValueError(f"NGUON_ICECAST_PORT must be 1–65535, not {port}")
    return IcecastSettings(
        data_dir=data_dir,
        bind=env.get("NGUON_ICECAST_BIND", "").strip() or DEFAULT_BIND,
        port=port,
        source_password=env.get("NGUON_ICECAST_SOURCE_PASSWORD", ""),
        admin_password=env.get("NGUON_ICECAST_ADMIN_PASSWORD", ""),
        public_url=env.get("NGUON_ICECAST_PUBLIC_URL", "").strip(),
        run_as=env.get("NGUON_ICECAST_USER", "").strip(),
    )


def current_settings() -> IcecastSettings:
    """The settings of this process (Django must be configured)."""
    from django.conf import settings

    return icecast_settings(os.environ, Path(settings.DATA_DIR))


@dataclass(frozen=True)
class Mount:
    """One live session's mount point and the password its source must give."""

    name: str  # "/live-05569-1.mp3"
    password: str = field(repr=False)
    title: str = ""


def binary() -> str | None:
    return shutil.which("icecast2") or shutil.which("icecast")


def _web_root() -> Path:
    for root in WEB_ROOTS:
        if (root / "web").is_dir():
            return root
    return WEB_ROOTS[0]


def _existing_passwords(path: Path) -> tuple[str, str]:
    """The source and admin passwords of an existing configuration file ("" when there is none)."""
    if not path.exists():
        return "", ""
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError):
        return "", ""
    return (
        tree.findtext("authentication/source-password") or "",
        tree.findtext("authentication/admin-password") or "",
    )


def config_xml(settings: IcecastSettings, mounts: Iterable[Mount], *, source: str, admin: str) -> str:
    """The text of icecast.xml."""
    root = _web_root()
    directory = settings.directory
    mount_xml = "".join(
        '  <mount type="normal">\n'
        f"    <mount-name>{escape(m.name)}</mount-name>\n"
        f"    <username>{SOURCE_USER}</username>\n"
        f"    <password>{escape(m.password)}</password>\n"
        f"    <stream-name>{escape(m.title[:200])}</stream-name>\n"
        "    <public>0</public>\n"
        "  </mount>\n"
        for m in sorted(mounts, key=lambda m: m.name)
    )
    return f"""<icecast>
  <!-- Written by Nguồn (nguon.radio.icecast); edits are overwritten. -->
  <location>Nguồn</location>
  <admin>icecast@localhost</admin>
  <hostname>{escape(settings.bind)}</hostname>
  <limits>
    <clients>2000</clients>
    <sources>200</sources>
    <queue-size>524288</queue-size>
    <client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout>
    <burst-on-connect>1</burst-on-connect>
    <burst-size>65535</burst-size>
  </limits>
  <authentication>
    <source-password>{escape(source)}</source-password>
    <relay-password>{escape(secrets.token_urlsafe(24))}</relay-password>
    <admin-user>admin</admin-user>
    <admin-password>{escape(admin)}</admin-password>
  </authentication>
  <listen-socket>
    <port>{settings.port}</port>
    <bind-address>{escape(settings.bind)}</bind-address>
  </listen-socket>
  <http-headers>
    <header name="Access-Control-Allow-Origin" value="*" />
  </http-headers>
{mount_xml}  <fileserve>1</fileserve>
  <paths>
    <basedir>{escape(str(directory))}</basedir>
    <logdir>{escape(str(directory))}</logdir>
    <webroot>{escape(str(root / "web"))}</webroot>
    <adminroot>{escape(str(root / "admin"))}</adminroot>
    <pidfile>{escape(str(settings.pid_path))}</pidfile>
    <alias source="/" destination="/status.xsl"/>
  </paths>
  <logging>
    <accesslog>access.log</accesslog>
    <errorlog>error.log</errorlog>
    <loglevel>3</loglevel>
    <logsize>10000</logsize>
  </logging>
  <security>
    <chroot>0</chroot>
  </security>
</icecast>
"""


def run_as_account(settings: IcecastSettings) -> pwd.struct_passwd | None:
    """The unprivileged account Icecast runs as when this process is root; None when not root."""
    if os.geteuid() != 0:
        return None
    for name in (settings.run_as, "icecast2", "nobody"):
        if not name:
            continue
        try:
            account = pwd.getpwnam(name)
        except KeyError:
            if name == settings.run_as:
                raise ValueError(f"NGUON_ICECAST_USER: no account named {name!r}") from None
            continue
        if account.pw_uid != 0:
            return account
    raise ValueError("running as root and no unprivileged account for Icecast: set NGUON_ICECAST_USER")


def _reachable_by(path: Path, account: pwd.struct_passwd) -> bool:
    """Whether ``account`` may traverse every folder above ``path`` (by the mode bits, as root sees them).
    Folders that do not exist yet are made later with the usual 0755, so they do not count against it."""
    for folder in path.resolve().parents:
        try:
            st = folder.stat()
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if st.st_uid == account.pw_uid:
            bit = 0o100
        elif st.st_gid == account.pw_gid:
            bit = 0o010
        else:
            bit = 0o001
        if not st.st_mode & bit:
            return False
    return True


def preflight(settings: IcecastSettings) -> str:
    """Why Icecast cannot run here ("" when it can): not installed, or, as root, a data dir the
    unprivileged account cannot reach."""
    if binary() is None:
        return "icecast2 is not installed (scripts/setup-os.sh installs it)"
    try:
        account = run_as_account(settings)
    except ValueError as error:
        return str(error)
    if account is not None and not _reachable_by(settings.directory, account):
        return (
            f"running as root, Icecast runs as {account.pw_name!r}, which cannot reach {settings.directory}: "
            "make NGUON_DATA_DIR's parent folders traversable (chmod o+x) or run Nguồn as an unprivileged user"
        )
    return ""


def write_config(settings: IcecastSettings, mounts: Iterable[Mount], *, fresh: bool = False) -> Path:
    """Write icecast.xml atomically (mode 0600). Empty password settings keep the passwords of the file
    already there, unless ``fresh`` (a new Icecast run), which generates new ones."""
    directory = settings.directory
    directory.mkdir(parents=True, exist_ok=True)
    old_source, old_admin = ("", "") if fresh else _existing_passwords(settings.config_path)
    source = settings.source_password or old_source or secrets.token_urlsafe(24)
    admin = settings.admin_password or old_admin or secrets.token_urlsafe(24)
    text = config_xml(settings, mounts, source=source, admin=admin)
    temporary = directory / "icecast.xml.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    account = run_as_account(settings)
    if account is not None:
        for path in (directory, temporary, *directory.glob("*.log*")):
            os.chown(path, account.pw_uid, account.pw_gid)
    temporary.replace(settings.config_path)
    return settings.config_path


def argv(settings: IcecastSettings) -> list[str]:
    """The command that runs Icecast in the foreground, dropping root through setpriv when needed."""
    problem = preflight(settings)
    if problem:
        raise FileNotFoundError(problem)
    command = [binary() or "icecast2", "-c", str(settings.config_path)]
    account = run_as_account(settings)
    if account is None:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise FileNotFoundError("running as root needs setpriv (util-linux) to start Icecast unprivileged")
    return [
        setpriv,
        f"--reuid={account.pw_uid}",
        f"--regid={account.pw_gid}",
        "--clear-groups",
        "--",
        *command,
    ]


def running_pid(settings: IcecastSettings) -> int | None:
    try:
        pid = int(settings.pid_path.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def reload(settings: IcecastSettings) -> bool:
    """Ask a running Icecast to read its configuration again (new or ended mounts); False if none runs."""
    pid = running_pid(settings)
    if pid is None:
        return False
    os.kill(pid, signal.SIGHUP)
    return True


def live_mounts(settings: IcecastSettings, *, timeout: float = 2.0) -> set[str]:
    """The mounts that have a source connected right now (from Icecast's status-json.xsl)."""
    url = f"{settings.local_url}/status-json.xsl"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 — our own http URL
            status = json.loads(response.read().decode("utf-8", "replace"))
    except (URLError, OSError, ValueError):
        return set()
    sources = status.get("icestats", {}).get("source", [])
    if isinstance(sources, dict):
        sources = [sources]
    mounts = set()
    for source in sources:
        listen = str(source.get("listenurl", ""))
        if "/" in listen.split("://", 1)[-1]:
            mounts.add("/" + listen.split("://", 1)[-1].split("/", 1)[1])
    return mounts
