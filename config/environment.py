"""What config/settings.py reads from the environment, and the backends it builds from URLs.

Typed values (a typo fails loudly), the local secret key, the database from
``DATABASE_URL``, and Redis from ``REDIS_URL`` as the channel layer and the cache. Every
setting itself is in config/settings.py.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

BOOLEANS = {
    **dict.fromkeys(("1", "true", "yes", "on"), True),
    **dict.fromkeys(("0", "false", "no", "off"), False),
}


def env_bool(name: str, default: bool) -> bool:
    """A typo (DEBUG=flase) fails loudly rather than silently meaning off."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return BOOLEANS[value.lower()]
    except KeyError:
        raise ImproperlyConfigured(
            f"{name}={value!r}: use 1/0, true/false, yes/no or on/off."
        ) from None


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def local_secret_key(var_dir: Path) -> str:
    """A dev secret generated on first run and kept out of git (var/ is ignored)."""
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def database_from_url(url: str, *, base_dir: Path, var_dir: Path) -> dict:
    """sqlite:///relative/or//absolute/path (relative to ``base_dir``), or
    postgres://user:pass@host:port/name."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)[1:] if parts.path.startswith("/") else parts.path
        path = Path(path) if Path(path).is_absolute() else base_dir / path
        return sqlite_database(path, var_dir=var_dir)
    if parts.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Under ASGI each request runs in a thread of its own, so persistent
            # connections are not reused: a pool per process is.
            "OPTIONS": {
                "pool": {
                    "min_size": 2,
                    "max_size": env_int("DATABASE_POOL_SIZE", 20),
                    "timeout": 10,
                }
            },
        }
    raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r}")


def sqlite_database(path: Path, *, var_dir: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # WAL lets the projector read while a phone writes; IMMEDIATE avoids
        # "database is locked" when two writers upgrade their locks at once.
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": var_dir / "test.sqlite3"},
    }


def redis_channel_layer(url: str, backend: str = "core", prefix: str = "paniers") -> dict:
    # redis-py 8 defaults socket_timeout to 5 s, shorter than channels-redis'
    # 5 s blocking pop: idle consumers would crash every few seconds
    # (channels_redis#422). Keep reads longer than the pop, keep TCP alive.
    host = {
        "address": url,
        "socket_timeout": env_int("REDIS_SOCKET_TIMEOUT", 30),
        "socket_connect_timeout": 5,
        "socket_keepalive": True,
        "health_check_interval": 30,
        "max_connections": env_int("REDIS_MAX_CONNECTIONS", 200),
        # After a Redis restart the pooled connections are dead: the first command on
        # one fails. Retry it once on a fresh connection rather than answer a 500.
        "retry": Retry(NoBackoff(), 1),
        "retry_on_error": [RedisConnectionError],
    }
    if backend == "pubsub":
        return {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [host], "prefix": prefix},
        }
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [host], "prefix": prefix, "capacity": 500, "expiry": 30},
    }


def cache_config(redis_url: str, channel_layer_prefix: str) -> dict:
    """Rate limits count in the cache: in Redis when there is one, so that every worker
    counts the same hits; a Redis that does not answer within a second lets requests
    through (workshops/ratelimit.py) rather than stall them."""
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            # Not under the channel layer's prefix, whose keys are flushed by prefix.
            "KEY_PREFIX": f"cache-{channel_layer_prefix}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
