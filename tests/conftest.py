from pathlib import Path

import pytest
from django.utils import translation

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
