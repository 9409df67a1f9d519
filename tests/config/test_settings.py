"""config/settings.py read from the environment: each case in a fresh interpreter.

Settings are read once per process, so every environment gets its own Python: only
PATH and a throwaway var/ directory are inherited, nothing of the test run's own.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool

BASE_DIR = Path(django_settings.BASE_DIR)


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
