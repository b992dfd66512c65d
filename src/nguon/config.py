"""Configuration read from the environment and validated once, at start.

Every variable Nguồn reads is declared here (and documented in docs/configuration.md). A bad value stops
start-up with a message that names the variable and says what is expected, never with a traceback deep
inside Django.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

ENVIRONMENTS = ("development", "test", "production")


class ConfigError(Exception):
    """Raised with every problem found in the environment, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Config:
    """The validated settings Nguồn runs with."""

    environment: str
    debug: bool
    secret_key: str
    database_url: str
    data_dir: Path
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    https: bool
    behind_proxy: bool
    host: str
    port: int
    email_backend: str
    default_from_email: str
    login_max_failures: int
    login_lockout_minutes: int
    feedback_per_address_per_hour: int
    feedback_per_phone_per_day: int
    feedback_retention_days: int
    upload_max_mb: int
    public_url: str
    log_level: str
    default_province_code: str
    demo_password: str = field(repr=False)
    central_url: str = ""
    central_token: str = field(default="", repr=False)
    central_push_token: str = field(default="", repr=False)
    central_feedback_url: str = ""
    central_feedback_token: str = field(default="", repr=False)
    central_sync_url: str = ""
    central_sync_token: str = field(default="", repr=False)
    machine_translation_url: str = ""
    machine_translation_key: str = field(default="", repr=False)
    device_signing_key: str = field(default="", repr=False)
    mqtt_url: str = "mqtt://127.0.0.1:1883"
    mqtt_username: str = "nguon-server"
    mqtt_password: str = field(default="", repr=False)
    device_mqtt_url: str = "mqtt://127.0.0.1:1883"
    device_heartbeat_seconds: int = 60
    map_tile_url: str = ""
    cap_sender: str = ""

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def project_root() -> Path:
    """The checkout (or install) root: the folder holding ``src/``."""
    return Path(__file__).resolve().parents[2]


def _bool(env: dict[str, str], name: str, default: bool, problems: list[str]) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    problems.append(f"{name}={raw!r}: expected true/false (1/0, yes/no, on/off).")
    return default


def _public_url(env: dict[str, str], host: str, port: int, problems: list[str]) -> str:
    value = env.get("NGUON_PUBLIC_URL", "").strip() or f"http://{host}:{port}"
    if not value.startswith(("http://", "https://")):
        problems.append(f"NGUON_PUBLIC_URL={value!r}: expected an address starting with http:// or https://.")
    return value.rstrip("/")


def _cap_sender(env: dict[str, str], public_url: str, problems: list[str]) -> str:
    """The ``<sender>`` of published CAP 1.2 alerts; default ``nguon@<host of NGUON_PUBLIC_URL>``."""
    value = env.get("NGUON_CAP_SENDER", "").strip()
    if not value:
        return f"nguon@{urlsplit(public_url).hostname or 'localhost'}"
    if any(ch.isspace() or ch in ",&<" or not ch.isprintable() for ch in value):
        problems.append(
            f"NGUON_CAP_SENDER={value!r}: no spaces, commas, & or < (CAP 1.2 §3.2.1), e.g. nguon@thainguyen.gov.vn."
        )
        return f"nguon@{urlsplit(public_url).hostname or 'localhost'}"
    return value


def _int(env: dict[str, str], name: str, *, default: int, low: int, high: int, problems: list[str]) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{name}={raw!r}: expected a whole number between {low} and {high}.")
        return default
    if not low <= value <= high:
        problems.append(f"{name}={value}: must be between {low} and {high}.")
        return default
    return value


def _list(env: dict[str, str], name: str, default: list[str]) -> list[str]:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _dev_secret_key(data_dir: Path) -> str:
    """A per-checkout random key for development, kept under var/ so sessions survive restarts."""
    path = data_dir / "dev-secret-key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
MIN_PUSH_TOKEN = 32


def _central(env: dict[str, str], production: bool, problems: list[str]) -> tuple[str, str, str]:
    """The central source system: base URL, pull token, push token. Token values are never echoed."""
    url = env.get("NGUON_CENTRAL_URL", "").strip().rstrip("/")
    token = env.get("NGUON_CENTRAL_TOKEN", "").strip()
    push_token = env.get("NGUON_CENTRAL_PUSH_TOKEN", "").strip()
    if url:
        parts = urlsplit(url)
        if (
            parts.scheme not in {"http", "https"}
            or not parts.hostname
            or parts.username
            or parts.query
            or parts.fragment
        ):
            problems.append(
                "NGUON_CENTRAL_URL: expected the base address of the central system, starting with https:// "
                "(no user name, query or fragment), e.g. https://ttcs.example.gov.vn/api."
            )
        elif production and parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            problems.append(
                "NGUON_CENTRAL_URL: must use https:// in production (the access token would travel in clear)."
            )
        if not token:
            problems.append(
                "NGUON_CENTRAL_TOKEN: required when NGUON_CENTRAL_URL is set (the token the central system "
                "issued to this province)."
            )
    if token and any(ch.isspace() or not ch.isprintable() for ch in token):
        problems.append("NGUON_CENTRAL_TOKEN: must not contain spaces or control characters.")
    if push_token and (
        len(push_token) < MIN_PUSH_TOKEN or any(ch.isspace() or not ch.isprintable() for ch in push_token)
    ):
        problems.append(
            f"NGUON_CENTRAL_PUSH_TOKEN: at least {MIN_PUSH_TOKEN} characters without spaces "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')."
        )
    return url, token, push_token


def _endpoint(
    env: dict[str, str], url_name: str, token_name: str, *, what: str, production: bool, problems: list[str]
) -> tuple[str, str]:
    """An outside HTTP endpoint Nguồn calls (``what`` names it in messages) and its token, both optional."""
    url = env.get(url_name, "").strip().rstrip("/")
    token = env.get(token_name, "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.username or parts.query:
            problems.append(
                f"{url_name}: expected the base address of {what}, starting with https:// "
                "(no user name or query)."
            )
        elif production and parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            problems.append(f"{url_name}: must use https:// in production.")
    if token and any(ch.isspace() or not ch.isprintable() for ch in token):
        problems.append(f"{token_name}: must not contain spaces or control characters.")
    return url, token


def _central_feedback(env: dict[str, str], production: bool, problems: list[str]) -> tuple[str, str]:
    """The central mobile app's feedback endpoint (docs/integrations/central-feedback.md) and its token."""
    return _endpoint(
        env,
        "NGUON_CENTRAL_FEEDBACK_URL",
        "NGUON_CENTRAL_FEEDBACK_TOKEN",
        what="the central app's API",
        production=production,
        problems=problems,
    )


def _mqtt_url(env: dict[str, str], name: str, default: str, problems: list[str]) -> str:
    value = env.get(name, "").strip() or default
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = None
    if (
        parts.scheme not in {"mqtt", "mqtts"}
        or not parts.hostname
        or port is None
        or parts.username
        or parts.path not in {"", "/"}
    ):
        problems.append(
            f"{name}={value!r}: expected mqtt://HOST:PORT or mqtts://HOST:PORT (no user name; the password "
            "goes in NGUON_MQTT_PASSWORD)."
        )
        return default
    return value.rstrip("/")


class _DeviceSettings(TypedDict):
    device_signing_key: str
    mqtt_url: str
    mqtt_username: str
    mqtt_password: str
    device_mqtt_url: str
    device_heartbeat_seconds: int
    map_tile_url: str


def _devices(env: dict[str, str], problems: list[str]) -> _DeviceSettings:
    """The device fleet: signing key (checked for shape here; required in production when used), broker."""
    key = env.get("NGUON_DEVICE_SIGNING_KEY", "").strip()
    if key:
        try:
            valid = len(base64.b64decode(key, validate=True)) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            problems.append(
                "NGUON_DEVICE_SIGNING_KEY: expected standard base64 of a 32-byte Ed25519 seed "
                "(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')."
            )
    mqtt_url = _mqtt_url(env, "NGUON_MQTT_URL", "mqtt://127.0.0.1:1883", problems)
    username = env.get("NGUON_MQTT_USERNAME", "").strip() or "nguon-server"
    if any(ch.isspace() or ch in "+#/:" for ch in username):
        problems.append("NGUON_MQTT_USERNAME: no spaces or the characters + # / :.")
    return {
        "device_signing_key": key,
        "mqtt_url": mqtt_url,
        "mqtt_username": username,
        "mqtt_password": env.get("NGUON_MQTT_PASSWORD", ""),
        "device_mqtt_url": _mqtt_url(env, "NGUON_DEVICE_MQTT_URL", mqtt_url, problems),
        "device_heartbeat_seconds": _int(
            env, "NGUON_DEVICE_HEARTBEAT_SECONDS", default=60, low=10, high=3600, problems=problems
        ),
        "map_tile_url": _map_tile_url(env, problems),
    }


def _map_tile_url(env: dict[str, str], problems: list[str]) -> str:
    """The fleet map's tile server (``https://…/{z}/{x}/{y}.png``); empty: markers on a plain background."""
    value = env.get("NGUON_MAP_TILE_URL", "").strip()
    if value and (
        not value.startswith(("http://", "https://", "/"))
        or not all(p in value for p in ("{z}", "{x}", "{y}"))
    ):
        problems.append(
            f"NGUON_MAP_TILE_URL={value!r}: expected an http(s):// or /path address with {{z}}, {{x}} and {{y}}."
        )
        return ""
    return value


def load(env: dict[str, str] | None = None) -> Config:
    """Read and validate the environment; raise :class:`ConfigError` listing every problem."""
    env = dict(os.environ if env is None else env)
    problems: list[str] = []

    environment = env.get("NGUON_ENV", "development").strip().lower() or "development"
    if environment not in ENVIRONMENTS:
        problems.append(f"NGUON_ENV={environment!r}: expected one of {', '.join(ENVIRONMENTS)}.")
        environment = "development"
    production = environment == "production"

    data_dir = Path(env.get("NGUON_DATA_DIR") or project_root() / "var").resolve()

    debug = _bool(env, "NGUON_DEBUG", not production and environment != "test", problems)
    if production and debug:
        problems.append("NGUON_DEBUG must be false when NGUON_ENV=production.")

    secret_key = env.get("NGUON_SECRET_KEY", "")
    if production:
        if len(secret_key) < 50 or len(set(secret_key)) < 5:
            problems.append(
                "NGUON_SECRET_KEY: required in production, at least 50 random characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
            )
    elif not secret_key:
        secret_key = _dev_secret_key(data_dir)

    database_url = env.get("DATABASE_URL", "").strip()
    if not database_url:
        database_url = f"sqlite:///{data_dir / 'nguon.sqlite3'}"
    if not database_url.startswith(("sqlite://", "postgres://", "postgresql://", "pgsql://")):
        problems.append(
            f"DATABASE_URL={database_url!r}: expected sqlite:///PATH or postgres://USER@HOST:PORT/NAME."
        )

    https = _bool(env, "NGUON_HTTPS", production, problems)
    behind_proxy = _bool(env, "NGUON_BEHIND_PROXY", False, problems)
    host = env.get("NGUON_HOST", "127.0.0.1").strip() or "127.0.0.1"
    port = _int(env, "NGUON_PORT", default=8000, low=1, high=65535, problems=problems)
    allowed_hosts = _list(
        env, "NGUON_ALLOWED_HOSTS", [] if production else ["localhost", "127.0.0.1", "[::1]"]
    )
    if production and not allowed_hosts:
        problems.append("NGUON_ALLOWED_HOSTS: required in production, e.g. nguon.thainguyen.gov.vn.")
    csrf_trusted_origins = _list(env, "NGUON_CSRF_TRUSTED_ORIGINS", [])
    for origin in csrf_trusted_origins:
        if not origin.startswith(("http://", "https://")):
            problems.append(f"NGUON_CSRF_TRUSTED_ORIGINS: {origin!r} must start with http:// or https://.")

    email_backend = env.get("NGUON_EMAIL_BACKEND", "").strip() or (
        "django.core.mail.backends.smtp.EmailBackend"
        if production
        else "django.core.mail.backends.console.EmailBackend"
    )

    log_level = env.get("NGUON_LOG_LEVEL", "INFO").strip().upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        problems.append(f"NGUON_LOG_LEVEL={log_level!r}: expected DEBUG, INFO, WARNING or ERROR.")
        log_level = "INFO"

    province = env.get("NGUON_PROVINCE_CODE", "19").strip()
    if not (province.isdigit() and len(province) == 2):
        problems.append(
            f"NGUON_PROVINCE_CODE={province!r}: expected a 2-digit province code (QĐ 19/2025), e.g. 19."
        )

    central_url, central_token, central_push_token = _central(env, production, problems)
    central_feedback_url, central_feedback_token = _central_feedback(env, production, problems)
    central_sync_url, central_sync_token = _endpoint(
        env,
        "NGUON_CENTRAL_SYNC_URL",
        "NGUON_CENTRAL_SYNC_TOKEN",
        what="the central system's data-sharing API (docs/integrations/central-sync.md)",
        production=production,
        problems=problems,
    )
    machine_translation_url, machine_translation_key = _endpoint(
        env,
        "NGUON_MACHINE_TRANSLATION_URL",
        "NGUON_MACHINE_TRANSLATION_KEY",
        what="a LibreTranslate-compatible machine translation service",
        production=production,
        problems=problems,
    )
    devices = _devices(env, problems)
    public_url = _public_url(env, host, port, problems)

    config = Config(
        environment=environment,
        debug=debug,
        secret_key=secret_key,
        database_url=database_url,
        data_dir=data_dir,
        allowed_hosts=allowed_hosts,
        csrf_trusted_origins=csrf_trusted_origins,
        https=https,
        behind_proxy=behind_proxy,
        host=host,
        port=port,
        email_backend=email_backend,
        default_from_email=env.get("NGUON_DEFAULT_FROM_EMAIL", "nguon@localhost"),
        login_max_failures=_int(
            env, "NGUON_LOGIN_MAX_FAILURES", default=5, low=1, high=100, problems=problems
        ),
        login_lockout_minutes=_int(
            env, "NGUON_LOGIN_LOCKOUT_MINUTES", default=15, low=1, high=24 * 60, problems=problems
        ),
        feedback_per_address_per_hour=_int(
            env, "NGUON_FEEDBACK_PER_ADDRESS_PER_HOUR", default=10, low=1, high=100_000, problems=problems
        ),
        feedback_per_phone_per_day=_int(
            env, "NGUON_FEEDBACK_PER_PHONE_PER_DAY", default=5, low=1, high=10_000, problems=problems
        ),
        feedback_retention_days=_int(
            env, "NGUON_FEEDBACK_RETENTION_DAYS", default=730, low=30, high=36_500, problems=problems
        ),
        public_url=public_url,
        cap_sender=_cap_sender(env, public_url, problems),
        upload_max_mb=_int(env, "NGUON_UPLOAD_MAX_MB", default=500, low=1, high=10_000, problems=problems),
        log_level=log_level,
        default_province_code=province,
        demo_password=env.get("NGUON_DEMO_PASSWORD", "nguon-demo-2026"),
        central_url=central_url,
        central_token=central_token,
        central_push_token=central_push_token,
        central_feedback_url=central_feedback_url,
        central_feedback_token=central_feedback_token,
        central_sync_url=central_sync_url,
        central_sync_token=central_sync_token,
        machine_translation_url=machine_translation_url,
        machine_translation_key=machine_translation_key,
        **devices,
    )
    if problems:
        raise ConfigError(problems)
    return config
