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

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
SAMPLES = Path(__file__).resolve().parent.parent / "sample_content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


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

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def chinese():
    """Tests run with the default language active, as a request to /zh/ would."""
    with translation.override("zh-hans"):
        yield
