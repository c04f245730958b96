"""System checks of how the site is deployed (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def cache_shared_by_every_process(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")) and settings.EDITORIAL_PAGE_CACHE_SECONDS:
        return [
            checks.Warning(
                "The cache is private to each process: with more than one web worker, or the job worker and "
                "manage.py commands beside them, readers keep seeing pages that were changed or taken down "
                "until they expire.",
                hint="Leave CACHE_URL unset (a file cache every process shares) or set it to redis://….",
                id="editorial.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def site_address_is_set(app_configs, **kwargs):
    if not settings.EDITORIAL_SITE_URL:
        return [
            checks.Warning(
                "EDITORIAL_SITE_URL is not set: canonical links, feeds, sitemaps and share links are built from "
                "each request's Host header.",
                hint="Set EDITORIAL_SITE_URL to the public address, e.g. https://grove.example.org.",
                id="editorial.W002",
            )
        ]
    if not settings.EDITORIAL_SITE_URL.startswith(("https://", "http://")):
        return [checks.Error("EDITORIAL_SITE_URL must start with https:// or http://.", id="editorial.E002")]
    return []
