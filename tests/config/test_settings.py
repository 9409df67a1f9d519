"""config/settings.py read from the environment: each case in a fresh interpreter.

Settings are read once per process, so every environment gets its own Python: only
PATH and a throwaway var/ directory are inherited, nothing of the test run's own.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from config.environment import env_bool

BASE_DIR = Path(django_settings.BASE_DIR)
PRODUCTION = {
    "PUBLIC_URL": "https://paniers.example.org",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": "off",
}


@pytest.fixture
def run(tmp_path):
    """run(*args, **env): ``python *args`` in the project with only this environment."""

    def run(*args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args],
            cwd=BASE_DIR,
            env={"PATH": os.environ["PATH"], "PANIERS_VAR_DIR": str(tmp_path), **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


@pytest.fixture
def read(run):
    """read(*names, **env): those settings as the project reads them from this environment."""

    def read(*names: str, **env: str) -> dict:
        script = (
            "import json, config.settings as s; "
            f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
        )
        result = run("-c", script, **env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return read


def refusal(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, "started anyway"
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr, result.stderr
    return result.stderr.strip().splitlines()[-1]


# The secret key ------------------------------------------------------------------


def test_a_laptop_needs_nothing_the_key_is_generated_once(read, tmp_path):
    first = read("SECRET_KEY", "DEBUG", "DATABASES")
    assert len(first["SECRET_KEY"]) >= 50 and first["DEBUG"] is False
    assert (tmp_path / "secret_key").read_text() == first["SECRET_KEY"]
    assert read("SECRET_KEY")["SECRET_KEY"] == first["SECRET_KEY"]


@pytest.mark.parametrize(
    "shared",
    [
        {"DATABASE_URL": "postgres://paniers@127.0.0.1:5432/paniers"},
        {"REDIS_URL": "redis://127.0.0.1:6379/0"},
    ],
)
def test_it_refuses_to_start_several_workers_without_a_shared_key(run, read, shared, tmp_path):
    message = refusal(run("-c", "import config.settings", **shared))
    assert "SECRET_KEY" in message and next(iter(shared)) in message
    assert not (tmp_path / "secret_key").exists()

    assert read("SECRET_KEY", SECRET_KEY="the-same-on-every-worker", **shared) == {
        "SECRET_KEY": "the-same-on-every-worker"
    }


# Booleans ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        *[(v, True) for v in ("1", "true", "True", "YES", "on", " On ")],
        *[(v, False) for v in ("0", "false", "FALSE", "no", "off", "Off")],
        ("", None),  # unset: the default
    ],
)
def test_it_reads_the_usual_spellings_of_a_boolean(monkeypatch, value, expected):
    monkeypatch.setenv("PANIERS_TEST_FLAG", value)
    for default in (True, False):
        assert env_bool("PANIERS_TEST_FLAG", default) is (default if expected is None else expected)


@pytest.mark.parametrize("value", ["flase", "2", "enabled", "y", "oui"])
def test_it_refuses_any_other(monkeypatch, value):
    monkeypatch.setenv("PANIERS_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match=f"PANIERS_TEST_FLAG='{value}'"):
        env_bool("PANIERS_TEST_FLAG", False)


def test_a_typo_in_a_boolean_stops_the_server(run):
    message = refusal(run("-c", "import config.settings", DEBUG="flase"))
    assert "DEBUG='flase'" in message


# Behind https ------------------------------------------------------------------

SECURITY = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def test_an_https_public_url_turns_on_hsts_and_the_redirect(read):
    assert read(*SECURITY, **PRODUCTION) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }
    chosen = {"SECURE_HSTS_SECONDS": "600", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "yes"}
    assert read(
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", **PRODUCTION, **chosen
    ) == {
        "SECURE_HSTS_SECONDS": 600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    }


def test_plain_http_on_a_laptop_has_neither(read):
    values = read(*SECURITY, PUBLIC_URL="http://192.168.1.20:8000")
    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_check_deploy_is_clean_for_a_production_environment(run):
    for shared in ({}, {"DATABASE_URL": "postgres://paniers@127.0.0.1:5432/paniers"}):
        result = run(
            "manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **shared
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout


def test_check_deploy_on_a_laptop_warns_of_plain_http_only(run):
    result = run("manage.py", "check", "--deploy", PUBLIC_URL="http://192.168.1.20:8000")
    assert result.returncode == 0, result.stderr
    warnings = set(re.findall(r"\((security\.\w+)\)", result.stderr))
    # HSTS, the redirect to https, secure cookies: none of them can work without https.
    assert warnings == {"security.W004", "security.W008", "security.W012", "security.W016"}
