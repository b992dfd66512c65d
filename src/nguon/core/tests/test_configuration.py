"""Configuration from the environment: validated at start with clear messages; production is locked down."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from nguon import config

NGUON = str(Path(sys.executable).with_name("nguon"))


def test_defaults_for_development(tmp_path):
    cfg = config.load({"NGUON_DATA_DIR": str(tmp_path)})
    assert cfg.environment == "development"
    assert cfg.debug is True
    assert cfg.database_url == f"sqlite:///{tmp_path / 'nguon.sqlite3'}"
    assert len(cfg.secret_key) >= 50
    assert config.load({"NGUON_DATA_DIR": str(tmp_path)}).secret_key == cfg.secret_key  # kept under var/


def test_every_problem_is_reported_at_once(tmp_path):
    with pytest.raises(config.ConfigError) as error:
        config.load(
            {
                "NGUON_ENV": "production",
                "NGUON_DATA_DIR": str(tmp_path),
                "NGUON_DEBUG": "maybe",
                "DATABASE_URL": "mysql://x",
                "NGUON_LOGIN_MAX_FAILURES": "0",
                "NGUON_PROVINCE_CODE": "Thái Nguyên",
            }
        )
    text = "\n".join(error.value.problems)
    for expected in (
        "NGUON_DEBUG='maybe'",
        "NGUON_SECRET_KEY",
        "DATABASE_URL='mysql://x'",
        "NGUON_LOGIN_MAX_FAILURES=0",
        "NGUON_PROVINCE_CODE",
        "NGUON_ALLOWED_HOSTS",
    ):
        assert expected in text


def test_cli_prints_problems_without_a_traceback(tmp_path):
    env = {
        **os.environ,
        "NGUON_ENV": "production",
        "NGUON_DATA_DIR": str(tmp_path),
        "NGUON_SECRET_KEY": "short",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [NGUON, "check"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "NGUON_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "NGUON_ENV": "production",
        "NGUON_DATA_DIR": str(tmp_path),
        "NGUON_SECRET_KEY": secrets.token_urlsafe(60),
        "NGUON_ALLOWED_HOSTS": "nguon.thainguyen.gov.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    result = subprocess.run(
        [NGUON, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sqlite_runs_in_wal_mode(tmp_path):
    env = {
        **os.environ,
        "NGUON_ENV": "development",
        "NGUON_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}",
    }
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = subprocess.run(
        [NGUON, "shell", "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr


def test_settings_are_zone_aware_vietnamese_first():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "vi"
    assert ("en", "English") in settings.LANGUAGES
    assert settings.PASSWORD_HASHERS  # the production list starts with Argon2
    from nguon import settings as module

    assert module.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
