"""Settings for every environment, driven by environment variables.

Development defaults work with nothing set: SQLite in var/, an in-memory cache.
Production sets DJANGO_DEBUG=0 and must then provide DJANGO_SECRET_KEY and
DJANGO_ALLOWED_HOSTS, or the process refuses to start.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG", default=True)
HTTPS = env_flag("DJANGO_HTTPS", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
# The public address (https://grove.example.org): every absolute URL is built from it, never from
# a request's Host header (editorial/site_address.py). Set it in production.
EDITORIAL_SITE_URL = os.environ.get("EDITORIAL_SITE_URL", "").strip().rstrip("/")
if not DEBUG:
    missing = [
        name
        for name, value in (("DJANGO_SECRET_KEY", SECRET_KEY), ("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"DJANGO_DEBUG is off, so {' and '.join(missing)} must be set (for local development set DJANGO_DEBUG=1)."
        )
else:
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-with-debug-off"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]

# Widgets render through the project's templates too (templates/admin/editorial/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

INSTALLED_APPS = [
    # modeltranslation must come before the admin (GROUND.md).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "taggit",
    "reversion",
    "axes",
    # Background jobs: Django's tasks framework with django-tasks-db's worker (manage.py db_worker).
    "django_tasks_db",
    "editorial",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "editorial.request_guard.RequestGuardMiddleware",  # %00 and the like: 400 before any query
    # Outside the page cache, so a cached page still gets the policy (and a fresh nonce).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETags and 304s for every page (cached ones too); then cached public pages, served
    # before sessions, locale, CSRF and auth are touched.
    "django.middleware.http.ConditionalGetMiddleware",
    "editorial.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# SQLite in var/ unless DATABASE_URL says otherwise (postgres://user@host:port/name in production).
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers while an import writes; wait rather than fail on a busy database.
    # Connections persist as on PostgreSQL: opening one (and its PRAGMAs) was a tenth of an
    # uncached page. A connection holds no transaction between requests, so WAL readers
    # still see each write at their next query; runserver closes its threads' own.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No statement runs unbounded: one that passes this many seconds is cancelled (and its
    # request or job fails cleanly) rather than holding locks and a worker. 0 turns it off, as
    # it is for `migrate` and `restore`, whose index builds and loads may rightly take longer.
    _statement_seconds = int(os.environ.get("EDITORIAL_STATEMENT_TIMEOUT", 60))
    if sys.argv[1:2] in (["migrate"], ["restore"]):
        _statement_seconds = 0
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={_statement_seconds * 1000}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url):
    """CACHE_URL: redis://host:port/db (production), file:///path (the default: var/cache, shared by
    every process on the machine), locmem:// (one process only) or dummy:// (no cache)."""
    parts = urlsplit(url)
    if parts.scheme in {"redis", "rediss", "unix"}:
        # A Redis outage makes pages render uncached instead of failing (editorial/cache_backends.py).
        return {"BACKEND": "editorial.cache_backends.ResilientRedisCache", "LOCATION": url, "KEY_PREFIX": "cms"}
    if parts.scheme == "file":
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": parts.path or str(BASE_DIR / "var" / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    if parts.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL scheme {parts.scheme!r} is not supported (use redis://, file://, locmem:// or dummy://)."
    )


# Every process (web workers, the job worker, manage.py commands) must see one cache, or a
# change made in one leaves the others serving what was taken down: never per-process by default.
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "file://"))}

# Background jobs (editorial/jobs.py): rows in the database, run by `manage.py db_worker`, so
# SQLite needs nothing else installed and PostgreSQL works the same.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job that has shown no sign of life for this long lost its worker; it may be retried.
EDITORIAL_JOB_STALLED_AFTER = timedelta(minutes=int(os.environ.get("EDITORIAL_JOB_STALLED_MINUTES", 10)))
# Where uploaded files wait for the worker that imports them (shared with the worker's machine).
EDITORIAL_UPLOAD_DIR = Path(os.environ.get("EDITORIAL_UPLOAD_DIR", BASE_DIR / "var" / "uploads"))


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Chinese is the default and the language the content is written in.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Chinese")), ("en", _("English"))]
# Public URLs use short prefixes: /zh/ and /en/ (see editorial/urls_i18n.py).
URL_LANGUAGE_PREFIXES = {"zh-hans": "zh", "en": "en"}
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "America/Toronto")

MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
# An English page with no English title falls back to the Chinese one (shown as such).
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("zh-hans",), "zh-hans": ()}
# modeltranslation loads jQuery UI from a public CDN by default; offline the admin tabs
# silently never appear. Serve our vendored copy instead.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# Tags: our users' tags are lower-case ASCII slugs; Chinese tag names keep Chinese
# (unicode) slugs, which read better to Chinese readers than pinyin.
TAGGIT_CASE_INSENSITIVE = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development static files are served from the source folders, fresh on each request.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "admin:login"

# Whole public pages are kept this long for anonymous readers (editorial/middleware.py);
# 0 turns the page cache off (the per-generation indexes stay cached).
EDITORIAL_PAGE_CACHE_SECONDS = int(os.environ.get("EDITORIAL_PAGE_CACHE_SECONDS", 600))
# How long a process answers from the page cache before asking the shared cache whether content
# changed (a change made in another process reaches its readers within this time).
EDITORIAL_PAGE_RECHECK_SECONDS = float(os.environ.get("EDITORIAL_PAGE_RECHECK_SECONDS", 0.1))
# Bytes of cached pages each process also keeps in its own memory (editorial/middleware.py).
EDITORIAL_PAGE_MEMORY_BYTES = int(os.environ.get("EDITORIAL_PAGE_MEMORY_BYTES", 24 * 1024 * 1024))

# A folder that holds a static copy of the public site (manage.py build_static writes it);
# when set, every post saved in the CMS is refreshed there as its change commits.
EDITORIAL_STATIC_DIR = os.environ.get("EDITORIAL_STATIC_DIR", "")

# Login throttling (django-axes): after 5 failed logins for one user name from one client
# address, that pair gets a 429 page for 15 minutes (the same user from elsewhere, and other
# users from that address, still may log in); a successful login clears its count.
# EDITORIAL_TRUSTED_PROXIES: how many proxies of ours stand in front of the app (nginx: 1); the
# client's address is then read from X-Forwarded-For (editorial/client_address.py).
EDITORIAL_TRUSTED_PROXIES = int(os.environ.get("EDITORIAL_TRUSTED_PROXIES", 0))
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "editorial.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_HTTP_RESPONSE_CODE = 429

# Security: DJANGO_HTTPS=1 when served behind TLS.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (Django's own): scripts and styles only from our origin or with
# the request's nonce ({{ csp_nonce }}); no plugins, no framing, forms post only to us.
# Images may come from any https host (an editor may embed one); the video player is
# youtube-nocookie, loaded only after the reader asks for it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "https:"],
    "frame-src": [CSP.SELF, "https://www.youtube-nocookie.com"],  # self: the editor's live preview
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Tag pages exist for tags used by at least this many listed posts (the old site's rule).
EDITORIAL_TAG_PAGE_MIN_POSTS = int(os.environ.get("EDITORIAL_TAG_PAGE_MIN_POSTS", 5))
# The public glossary's index lists terms used by at least this many public posts (or featured
# by an editor); the others keep a page that search engines do not index and sitemaps omit.
EDITORIAL_GLOSSARY_MIN_POSTS = int(os.environ.get("EDITORIAL_GLOSSARY_MIN_POSTS", 3))

# Imports: the largest real post is ~300 KB; refuse anything absurdly larger.
EDITORIAL_IMPORT_MAX_BYTES = int(os.environ.get("EDITORIAL_IMPORT_MAX_BYTES", 5 * 1024 * 1024))
# Post revisions are stored compressed (editorial/serializers/zjson.py).
SERIALIZATION_MODULES = {"zjson": "editorial.serializers.zjson"}

# Files saved per transaction: SQLite and the full-text index then write once per batch.
EDITORIAL_IMPORT_BATCH_FILES = int(os.environ.get("EDITORIAL_IMPORT_BATCH_FILES", 200))
# ... and at most this many seconds: on SQLite a batch holds the write lock, and an editor's save
# waits for it (up to the database's 20 s timeout).
EDITORIAL_IMPORT_BATCH_SECONDS = float(os.environ.get("EDITORIAL_IMPORT_BATCH_SECONDS", 3))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
