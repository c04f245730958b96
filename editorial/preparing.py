"""The pure part of importing one file: read it, repair its blocks, render its body.

Nothing here touches the database, so for large batches the importer runs it in a
worker process while the main process saves the previous files (Python-Markdown is
the slowest step of an import and the machine has more than one core).
"""

import os
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context

from . import frontmatter, glossary, originals, rendering, search

PARALLEL_FROM = 40  # files; below this a worker's start-up costs more than it saves


@dataclass
class Prepared:
    document: frontmatter.Document | None = None
    error: str = ""
    error_line: int | None = None
    body: str = ""
    rendered: rendering.Rendered | None = None
    search_tokens: str = ""
    repairs: list = field(default_factory=list)
    annotations: list = field(default_factory=list)  # glossary.extract(body)
    compressed: bytes = b""  # the file's bytes, zlib-compressed, as Post.source_file keeps them


def prepare(data, max_bytes):
    """Parse a file's bytes and render its (repaired) Chinese body. Never raises for a bad file:
    what is wrong with it comes back as ``error`` (and ``error_line``), so the import goes on."""
    try:
        return _prepare(data, max_bytes)
    except frontmatter.FileError as exc:
        return Prepared(error=exc.message, error_line=exc.line)
    except (ValueError, TypeError, RecursionError, MemoryError, OverflowError) as exc:
        return Prepared(error=f"could not be read: {type(exc).__name__}: {str(exc)[:200]}")


def _prepare(data, max_bytes):
    document = frontmatter.read(data, max_bytes=max_bytes)
    parsed, body = originals.normalize_parsed(document.body)
    repairs = [originals.Repair(r.line + document.body_line - 1, r.code, r.detail) for r in parsed.repairs]
    meta = document.meta
    text = {key: str(meta.get(key) or "") for key in ("title", "title_en", "summary", "summary_en", "speaker", "guest")}
    search_tokens = search.document_tokens(
        titles=[text["title"], text["title_en"]],
        summaries=[text["summary"], text["summary_en"]],
        people=[text["speaker"], text["guest"]],
        body=body,
    )
    return Prepared(
        document=document,
        body=body,
        rendered=rendering.render(body, "zh_hans"),
        repairs=repairs,
        search_tokens=search_tokens,
        annotations=glossary.extract(body),
        compressed=zlib.compress(data, 6),
    )


def _start_worker():
    import django

    django.setup()


def worker_pool(file_count):
    """A one-process pool for big batches on a multi-core machine, else None (work inline)."""
    if file_count < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or os.environ.get("EDITORIAL_IMPORT_INLINE"):
        return None
    # forkserver: the worker starts from a clean process, safe even when this one runs threads.
    return ProcessPoolExecutor(max_workers=1, mp_context=get_context("forkserver"), initializer=_start_worker)
