"""Configuration from the environment: the names the README documents."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from cms.settings import cache_from_url

ROOT = Path(__file__).resolve().parent.parent


def settings_in_subprocess(env, expr):
    """Import cms.settings in a clean process with ``env`` and print ``expr``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL"))}
    code = f"import cms.settings as s; print({expr})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_debug_off_refuses_to_start_without_secret_and_hosts():
    result = settings_in_subprocess({"DJANGO_DEBUG": "0"}, "s.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_debug_off_with_secret_and_hosts_starts():
    result = settings_in_subprocess(
        {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "example.org,127.0.0.1"},
        "s.DEBUG, s.ALLOWED_HOSTS, getattr(s, 'SESSION_COOKIE_SECURE', False)",
    )
    assert result.stdout.strip() == "False ['example.org', '127.0.0.1'] False"


def test_https_turns_on_redirect_hsts_and_secure_cookies():
    result = settings_in_subprocess(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "example.org",
            "DJANGO_HTTPS": "1",
        },
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE",
    )
    assert result.stdout.strip() == "True True True True"


def test_database_url_selects_postgresql():
    result = settings_in_subprocess(
        {"DATABASE_URL": "postgres://u@db.example:5432/cms"}, "s.DATABASES['default']['ENGINE']"
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_cache_url_schemes():
    assert cache_from_url("redis://127.0.0.1:6379/1")["BACKEND"] == "editorial.cache_backends.ResilientRedisCache"
    assert cache_from_url("locmem://")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    shared = cache_from_url("file://")  # the default: one cache for every process on the machine
    assert shared["BACKEND"].endswith("FileBasedCache") and shared["LOCATION"].endswith("var/cache")
    assert cache_from_url("file:///srv/cms-cache")["LOCATION"] == "/srv/cms-cache"
    with pytest.raises(Exception, match="not supported"):
        cache_from_url("memcached://x")


def test_the_configured_cache_works():
    cache.set("cms-test-key", "值", 30)
    assert cache.get("cms-test-key") == "值"
    cache.delete("cms-test-key")
