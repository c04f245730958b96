"""The ceiling of any Python app behind gunicorn: a WSGI app with no framework that answers a
page of the static copy from memory (bench/deploy.py runs it beside the app).

    BENCH_BARE_ROOT=/path/to/copy gunicorn --chdir bench bare_wsgi:application
"""

import os
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_BARE_ROOT", ".")).resolve()
_pages = {}


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/").encode("iso-8859-1").decode()
    if path not in _pages:
        target = ROOT / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        _pages[path] = target.read_bytes() if target.is_file() and ROOT in target.resolve().parents else None
    body = _pages[path]
    if body is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
