"""Test settings: the real settings with speed knobs only."""

import os

from cms.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# CACHE_URL (Redis in CI's PostgreSQL run) is honoured; otherwise a private in-memory cache.
if not os.environ.get("CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file, not memory, for the SQLite test database: the fault tests open it from another
# process and from threads, with SQLite's real locking, as production does. Named for the
# run (its processes inherit the name through the environment), so two runs in one checkout
# never share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _run = os.environ.setdefault("EDITORIAL_TEST_RUN", str(os.getpid()))
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-db-{_run}.sqlite3")}  # noqa: F405
