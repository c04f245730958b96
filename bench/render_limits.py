#!/usr/bin/env python
"""Hostile bodies against the save path's pure steps, and the real site rendered unchanged.

    .venv/bin/python bench/render_limits.py [--site ../site-unpacked] [--limit N]

Times rendering, the glossary scan, the originals parser and search tokens on each shape of
#18 point 2 (one run each, with the load average). With ``--site`` (an unpacked copy of the
users' site), renders every body twice, with and without editorial/markdown_limits.py, and
counts the bodies whose HTML differs (it must be none) and the time each way.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")

import django  # noqa: E402

django.setup()

from editorial import frontmatter, glossary, markdown_limits, originals, rendering, search  # noqa: E402

SHAPES = {
    "**a**（ × 8,000 on one line (64 KB)": "**a**（" * 8000,
    "[ × 15,000": "[" * 15000,
    "[ × 4,000 then ] × 4,000": "[" * 4000 + "]" * 4000,
    ">> x × 200,000 lines (1 MB)": ">> x\n" * 200_000,
    "- × 5,000 on one line": "- " * 5000 + "x",
    "**a** × 170,000 in one paragraph (1 MB)": "**a** " * 170_000,
    "> × 10,000 on one line": "> " * 10000 + "x",
}
STEPS = {
    "render": lambda body: rendering.render(body, "zh_hans"),
    "glossary": glossary.extract,
    "originals": originals.parse,
    "search": lambda body: search.document_tokens(titles=["t"], summaries=[], people=[], body=body),
}


def timed(function, *args):
    start = time.perf_counter()
    try:
        function(*args)
        error = ""
    except Exception as exc:  # reported, not hidden: a step that raises is a finding
        error = f" ({type(exc).__name__})"
    return time.perf_counter() - start, error


def shapes():
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'shape':44} " + " ".join(f"{step:>10}" for step in STEPS))
    for name, body in SHAPES.items():
        cells = []
        for step in STEPS.values():
            seconds, error = timed(step, body)
            cells.append(f"{seconds:9.2f}s{error}")
        print(f"{name:44} " + " ".join(cells))


def site(root, limit):
    files = sorted(Path(root).rglob("*.md"))[: limit or None]
    bounded = markdown_limits.bounded
    changed, with_limits, without = [], 0.0, 0.0
    for path in files:
        try:
            body = frontmatter.read(path.read_bytes()).body
        except frontmatter.FileError:
            continue
        start = time.perf_counter()
        new = rendering.render(body).html
        middle = time.perf_counter()
        markdown_limits.bounded = lambda text: text
        try:
            old = rendering.render(body).html
        finally:
            markdown_limits.bounded = bounded
        end = time.perf_counter()
        with_limits += middle - start
        without += end - middle
        if new != old:
            changed.append(path)
    print(f"whole site: {len(files)} bodies, {len(changed)} rendered differently with the limits")
    print(f"  render time with the limits {with_limits:.1f} s, without {without:.1f} s (load {os.getloadavg()[0]:.2f})")
    for path in changed[:20]:
        print(f"  differs: {path}")
    return not changed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", help="an unpacked copy of the users' site")
    parser.add_argument("--limit", type=int, default=0, help="only the first N files of the site")
    args = parser.parse_args()
    shapes()
    if args.site:
        sys.exit(0 if site(args.site, args.limit) else 1)


if __name__ == "__main__":
    main()
