import os
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import settings as hypothesis_settings

# CI explores the same examples every run (a failure there is reproducible, never a flake);
# locally each run explores new ones. HYPOTHESIS_PROFILE=ci picks CI's profile by hand.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("dev")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

# The unit tier (``make test-fast``): every test that needs no database and no browser, found
# by what it asks for rather than by a list to keep up to date.
_NEEDS_DATABASE = {"db", "transactional_db", "django_db_setup", "admin_client", "admin_user", "django_user_model",
                   "live_server", "client_with_db", "worker"}  # fmt: skip


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or item.get_closest_marker("browser") or fixtures & _NEEDS_DATABASE:
            continue
        item.add_marker(pytest.mark.unit)


CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
SAMPLES = Path(__file__).resolve().parent.parent / "sample_content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def editor(client):
    """Eve, of the Editors group, signed in on ``client`` (a file may define its own editor)."""
    from .factories import member

    return member("Editors", "eve", client)


@pytest.fixture
def corpus():
    """The read-only corpus of real posts beside the checkout; tests skip without it."""
    if not (CORPUS / "notes").is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (derived indexes are cached per content generation)."""
    from django.core.cache import cache

    from editorial import caching

    cache.clear()
    caching.forget_in_process()
    yield
    cache.clear()
    caching.forget_in_process()


@pytest.fixture(autouse=True)
def chinese():
    """Tests run with the default language active, as a request to /zh/ would."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def worker(django_capture_on_commit_callbacks):
    """Run every background job that is due, as ``manage.py db_worker`` would, and the jobs
    those queue (a static refresh queues its linked pages); returns them.

    Jobs are handed to the worker when their transaction commits: in a test, inside
    ``django_capture_on_commit_callbacks(execute=True)`` (as a job's own are, here).
    """
    from unittest import mock

    from django_tasks_db.management.commands.db_worker import Worker

    from editorial.models import Job

    def run():
        # The worker closes stale connections between tasks; a test's connection is its transaction.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None):
            while True:
                with django_capture_on_commit_callbacks(execute=True) as queued:
                    _work()
                if not queued:
                    break
        return list(Job.objects.order_by("pk"))

    def _work():
        Worker(
            queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
            max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
        ).run()  # fmt: skip

    return run


# Browser tests (tests/test_browser*.py): Debian's Chromium through Playwright, never a download.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class WatchedBrowser:
    """The browser, with every context it opens listening for Content Security Policy refusals."""

    def __init__(self, browser):
        self.browser = browser
        self.refusals = []

    def new_context(self, **options):
        context = self.browser.new_context(**options)
        context.on("console", lambda m: self.refusals.append(m.text) if "Content Security Policy" in m.text else None)
        return context

    def new_page(self, **options):
        page = self.new_context(**options).new_page()
        return page


@pytest.fixture
def browser(chromium):
    """Each test fails if the policy refused a script, style or frame on any page it opened."""
    watched = WatchedBrowser(chromium)
    yield watched
    assert watched.refusals == []
