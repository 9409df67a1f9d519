"""Paniers settings, read from the environment (through config/environment.py).

The embedded default needs nothing: SQLite in ``var/`` and Channels' in-memory
layer, for one Daphne process on the facilitator's laptop. ``DATABASE_URL`` and
``REDIS_URL`` switch to PostgreSQL and Redis for several Daphne workers.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.environment import (
    cache_config,
    database_from_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    local_secret_key,
    redis_channel_layer,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PANIERS_VAR_DIR", BASE_DIR / "var"))


if not os.environ.get("SECRET_KEY") and (
    os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL")
):
    # Several workers would each generate their own key and refuse each other's
    # sessions: a phone would be logged out whenever it reached another worker.
    raise ImproperlyConfigured(
        "DATABASE_URL or REDIS_URL is set but SECRET_KEY is not: give every worker "
        "the same SECRET_KEY (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key(VAR_DIR)
DEBUG = env_bool("DEBUG", False)

# Where phones reach the app: decides the join URL printed and put in the QR code.
PUBLIC_URL = os.environ.get("PUBLIC_URL", "").rstrip("/")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *env_list("ALLOWED_HOSTS")]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
if PUBLIC_URL:
    _public = urlsplit(PUBLIC_URL)
    ALLOWED_HOSTS.append(_public.hostname)
    CSRF_TRUSTED_ORIGINS.append(f"{_public.scheme}://{_public.netloc}")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "territories",
    "workshops",
    "baskets",
    "plenary",
    "restitution",
]

MIDDLEWARE = [
    # Outermost: it sees every answer, WhiteNoise's static files (which keep their own
    # caching) included.
    "config.no_store.NoStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and fragments gzipped (static files come precompressed from WhiteNoise, which
    # answers before this); why BREACH is not a concern here: docs/deploy.md.
    "django.middleware.gzip.GZipMiddleware",
    "config.content_policy.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "workshops.refusals.RefusalMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": database_from_url(os.environ["DATABASE_URL"], base_dir=BASE_DIR, var_dir=VAR_DIR)
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(VAR_DIR / "paniers.sqlite3", var_dir=VAR_DIR)}

REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_LAYER_BACKEND = os.environ.get("CHANNEL_LAYER", "core")  # "core" or "pubsub"
# Deployments sharing one Redis need prefixes of their own: pub/sub ignores the db number.
CHANNEL_LAYER_PREFIX = os.environ.get("CHANNEL_LAYER_PREFIX", "paniers")


if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": redis_channel_layer(REDIS_URL, CHANNEL_LAYER_BACKEND, CHANNEL_LAYER_PREFIX)
    }
else:
    # The same capacity per socket as the Redis layer above (the default is 100): a
    # socket whose queue fills up loses messages silently (bench/clock.py saw it).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 500},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workshops:list"
LOGOUT_REDIRECT_URL = "login"

# Participants have no account: the session cookie is their identity, so it
# outlives a browser restart for the length of a workshop and a bit more.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PUBLIC_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    # Daphne does not terminate TLS: an https PUBLIC_URL means a proxy in front.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind https, plain http is redirected and browsers are told to keep to https (HSTS).
# Subdomains and preloading stay opt-in: the organiser's other sites on the same domain
# may not all serve https, so check --deploy's reminders about them are silenced.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]

# Scripts, styles and connections from this site only: no inline script, style or event
# handler anywhere, and htmx runs without eval (base.html). The page's own ws:// or wss://
# origin is added to connect-src per request by config/content_policy.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the favicon is a data: URI
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Daphne holds a request's whole body in memory before Django sees it: only the proxy's
# limit protects memory (docs/deploy.md). These refuse to parse what no form needs; the
# largest legitimate body, a territory with its 10,000-character sheet and 20 key facts,
# stays under 250 KB even fully percent-encoded.
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic writes hashed, gzipped copies here (make run does it before Daphne starts).
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (css/paniers.3f2a….css) let WhiteNoise cache them for ten years.
    "staticfiles": {"BACKEND": "config.staticfiles.StaticFilesStorage"},
}
# Outside DEBUG, WhiteNoise serves only STATIC_ROOT's hashed, gzipped copies; from
# static/ itself (unhashed, uncompressed) only until collectstatic has run here.
STATIC_COLLECTED = (STATIC_ROOT / "staticfiles.json").is_file()
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_COLLECTED

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (the report's PDF) is queued in the database and run by
# `manage.py db_worker`, which `make run` starts beside Daphne (docs/restitution.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A build that has not moved for this long (its worker died) may be started again.
REPORT_BUILD_STALE_SECONDS = env_int("REPORT_BUILD_STALE_SECONDS", 300)
# A running build's worker says it is alive this often; after four silent beats any other
# worker queues the build again (restitution/worker.py).
REPORT_BUILD_HEARTBEAT_SECONDS = env_int("REPORT_BUILD_HEARTBEAT_SECONDS", 5)
# Queued or running builds one facilitator may have at once (one per workshop besides).
REPORT_BUILDS_PER_USER = env_int("REPORT_BUILDS_PER_USER", 2)
# The largest PDF kept in the database; a larger one fails with a message saying so.
REPORT_PDF_MAX_BYTES = env_int("REPORT_PDF_MAX_BYTES", 50 * 1024 * 1024)


CACHES = cache_config(REDIS_URL, CHANNEL_LAYER_PREFIX)

# Reverse proxies in front of Daphne (IPs or CIDRs): only their X-Forwarded-For is read.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# Strangers may hammer the join page: wrong codes per address per window; past
# them, no code at all is looked up for that address until the window ends.
JOIN_ATTEMPTS_PER_WINDOW = env_int("JOIN_ATTEMPTS_PER_WINDOW", 60)
JOIN_ATTEMPTS_WINDOW_SECONDS = 600
# Joins per address per window: a whole room may come through the venue's one address.
JOINS_PER_WINDOW = env_int("JOINS_PER_WINDOW", 400)
# Writes per participant per minute, all kinds together (post-its, baskets and their
# conditions, answers, dots: each is broadcast to a table, the screens or the room's
# chart), so one phone cannot flood the room. A real participant's busiest minute is far
# below it (docs/deploy.md). POSTITS_PER_MINUTE is its former name.
WRITES_PER_MINUTE = env_int("WRITES_PER_MINUTE", env_int("POSTITS_PER_MINUTE", 30))
# Open websockets per participant, and per facilitator on one workshop, in each Daphne
# process (workshops/consumers.py): a phone needs one per tab (two tabs, and a reload
# whose old socket is not yet closed, fit); a facilitator's laptop opens a projector, a
# console and a presenter, perhaps on two screens. Past it the handshake is refused.
SOCKETS_PER_PARTICIPANT = env_int("SOCKETS_PER_PARTICIPANT", 4)
SOCKETS_PER_FACILITATOR = env_int("SOCKETS_PER_FACILITATOR", 12)
# A phone's socket refreshes its presence row this often; a row 2.5 beats old is stale.
PRESENCE_HEARTBEAT_SECONDS = env_int("PRESENCE_HEARTBEAT_SECONDS", 60)

# A request waits this long at most for its live update to reach the channel layer; past
# it the update is logged as lost and screens catch up on their next re-sync.
BROADCAST_TIMEOUT_SECONDS = env_float("BROADCAST_TIMEOUT_SECONDS", 1.0)
# Once a Redis call timed out (the cache's or a broadcast's), no request calls Redis for this
# long, then one call finds out whether it is back (workshops/redis_breaker.py).
REDIS_BREAKER_SECONDS = env_float("REDIS_BREAKER_SECONDS", 3.0)
# Presence rows are written in batches, this long after the first change of a burst.
PRESENCE_FLUSH_SECONDS = env_float("PRESENCE_FLUSH_SECONDS", 0.2)
# Sticky dots come in bursts: a process renders the dots' chart again once the render
# under way is sent, for every dot that came meanwhile (plenary/broadcast.py), rather
# than once per dot. Off: one render per dot.
PLENARY_CHART_COALESCE = env_bool("PLENARY_CHART_COALESCE", True)
# Once a burst of dots is over, a process sends its chart once more after this long.
PLENARY_CHART_SETTLE_SECONDS = env_float("PLENARY_CHART_SETTLE_SECONDS", 1.0)
# HTTP requests inside Django at once, per process; the others queue (config/asgi.py).
HTTP_CONCURRENCY = env_int("HTTP_CONCURRENCY", 4)

# Serves bench/ its counters (/__stats__/) and its floor (/__bench__/group_send/); off
# unless asked for. The counters themselves always count.
PANIERS_STATS = env_bool("PANIERS_STATS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
