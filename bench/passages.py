#!/usr/bin/env python
"""The passage editor on the users' whole site: every body cut into passages and joined back.

    .venv/bin/python bench/passages.py [--site DIR]

For every file of an unpacked copy of the site (default /work/site, or the archive unpacked into a
temporary folder), reads the body as the importer stores it (originals in their canonical shape),
splits it into passages (editorial/passages.py) and joins them again. Prints the files whose
body does not come back byte for byte (it must be none), the number of passages (all, the
largest body's, with originals), the time to split the largest body (what the change form and
the Markdown tab's round trip cost) and the load average. Skips cleanly without the site.
"""

import argparse
import os
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")

import django  # noqa: E402

django.setup()

from editorial import frontmatter, originals, passages  # noqa: E402

ARCHIVE = ROOT.parent / "shared" / "site" / "real-site.tar.xz"


def site_folder(given, tmp):
    if given:
        return Path(given)
    if Path("/work/site/notes").is_dir():
        return Path("/work/site")
    if not ARCHIVE.exists():
        return None
    with tarfile.open(ARCHIVE) as archive:
        archive.extractall(tmp, filter="data")
    return Path(tmp)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = site_folder(args.site, tmp)
        if folder is None:
            print("skipped: ../shared/site/real-site.tar.xz is absent")
            return
        files = sorted(folder.rglob("*.md"))
        started = time.perf_counter()
        lossy, unreadable, total, with_originals, largest = [], 0, 0, 0, ("", "")
        for path in files:
            try:
                document = frontmatter.read(path.read_bytes())
            except frontmatter.FileError:
                unreadable += 1
                continue
            _parsed, body = originals.normalize_parsed(document.body)
            split = passages.split(body)
            if split["repairs"] or passages.join(split) != body:
                lossy.append(path.name)
            total += len(split["passages"])
            with_originals += sum(1 for p in split["passages"] if p["original"])
            if len(body) > len(largest[1]):
                largest = (path.name, body)
        seconds = time.perf_counter() - started
        times = []
        for _ in range(5):
            originals._recent.clear()
            t = time.perf_counter()
            split = passages.split(largest[1])
            times.append(time.perf_counter() - t)
        print(f"load average {os.getloadavg()[0]:.2f}")
        print("| files | not byte for byte | unreadable | passages | with an original | whole run |")
        print("|---|---|---|---|---|---|")
        print(f"| {len(files):,} | {len(lossy)} | {unreadable} | {total:,} | {with_originals:,} | {seconds:.1f} s |")
        print()
        print(
            f"largest body: {largest[0]} ({len(largest[1]):,} characters, {len(split['passages']):,} passages); "
            f"split median {sorted(times)[2] * 1000:.0f} ms"
        )
        for name in lossy[:20]:
            print("  not byte for byte:", name)
        sys.exit(1 if lossy else 0)


if __name__ == "__main__":
    main()
