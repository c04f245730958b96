#!/usr/bin/env python
"""The users' whole site (../shared/site/real-site.tar.xz): import, re-import, export, compare.

    .venv/bin/python bench/whole_site.py [--site DIR] [--sample 250] [--skip-full]

Unpacks the archive into a temporary folder (or uses --site, an unpacked copy), then on a
fresh database (SQLite in a temporary folder, or DATABASE_URL) times, as separate processes:
the first import of every file, an unchanged re-import, and an export. Prints time, MB/s,
peak memory of the import, the database's size, and per kind the files that come back
byte-identical and those whose every word reaches the reader (editorial/wordcheck.py).
Then the same first import of a --sample of files (spread over the kinds) for the cost per
MB at small scale. Skips cleanly when the archive is absent.
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE = ROOT.parent / "shared" / "site" / "real-site.tar.xz"
PYTHON = sys.executable
FOLDERS = ("notes", "posts", "clippings", "books")


def load():
    try:
        return os.getloadavg()
    except OSError:
        return (0, 0, 0)


def manage(env, *args):
    """Run manage.py; (seconds, peak RSS in MB of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return seconds, peak, done.stdout


def environment(tmp):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_URL": os.environ.get("CACHE_URL", "locmem://"),
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    return env


def database_size(env, tmp):
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        return sum(p.stat().st_size for p in Path(tmp).glob("bench.sqlite3*")) / 1e6
    code = "from django.db import connection; c = connection.cursor(); "
    code += "c.execute('SELECT pg_database_size(current_database())'); print(c.fetchone()[0])"
    return int(manage(env, "shell", "--no-imports", "-c", code)[2].split()[-1]) / 1e6


def reset_database(env):
    if env["DATABASE_URL"].startswith("postgres"):
        code = (
            "from django.db import connection; c = connection.cursor(); "
            "c.execute('DROP SCHEMA public CASCADE'); c.execute('CREATE SCHEMA public')"
        )
        manage(env, "shell", "--no-imports", "-c", code)


def words_check(site, out):
    """Per kind: (files, byte-identical after export, every word reaching the reader)."""
    code = f"""
import collections, sys
from pathlib import Path
from editorial import frontmatter, originals, rendering, wordcheck
site, out = Path({str(site)!r}), Path({str(out)!r})
rows = collections.defaultdict(lambda: [0, 0, 0])
for path in sorted(site.rglob('*.md')):
    kind = path.relative_to(site).parts[0]
    row = rows[kind]
    row[0] += 1
    exported = out / path.relative_to(site)
    row[1] += exported.exists() and exported.read_bytes() == path.read_bytes()
    try:
        document = frontmatter.read(path.read_bytes())
    except frontmatter.FileError:
        continue
    _parsed, body = originals.normalize_parsed(document.body)
    row[2] += wordcheck.compare(document.body, rendering.render(body).html).same
for kind, (n, same, words) in sorted(rows.items()):
    print(kind, n, same, words)
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings"}
    done = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return [line.split() for line in done.stdout.splitlines()]


def sample(site, count, into):
    """``count`` files spread over the kinds in proportion (at least one of each)."""
    files = {folder: sorted((site / folder).glob("*.md")) for folder in FOLDERS}
    total = sum(len(f) for f in files.values())
    for folder, found in files.items():
        take = max(1, round(count * len(found) / total))
        step = max(1, len(found) // take)
        (into / folder).mkdir(parents=True)
        for path in found[::step][:take]:
            shutil.copy2(path, into / folder / path.name)
    return into


def first_import(site, label):
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(tmp)
        reset_database(env)
        manage(env, "migrate", "--noinput", "-v0", "--skip-checks")
        size = sum(p.stat().st_size for p in site.rglob("*.md")) / 1e6
        seconds, peak, _ = manage(env, "import_markdown", "-v0", str(site))
        db = database_size(env, tmp)
        print(f"| {label}: first import | {seconds:.1f} s | {size / seconds:.2f} MB/s | {peak:.0f} MB | {db:.0f} MB |")
        return seconds / size


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="an unpacked copy of the archive")
    parser.add_argument("--sample", type=int, default=250)
    parser.add_argument("--skip-full", action="store_true", help="only the sample")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        site = args.site
        if site is None:
            if not ARCHIVE.exists():
                print(f"skipped: {ARCHIVE} is not present")
                return
            site = Path(scratch) / "site"
            with tarfile.open(ARCHIVE) as archive:
                archive.extractall(site, filter="data")
        files = list(site.rglob("*.md"))
        size = sum(p.stat().st_size for p in files) / 1e6
        database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
        print(f"{len(files)} files, {size:.0f} MB of Markdown; {database}; {os.cpu_count()} cores; load {load()}")
        print("\n| step | time | rate | peak memory | database |\n| --- | --- | --- | --- | --- |")
        small = first_import(sample(site, args.sample, Path(scratch) / "sample"), f"{args.sample} files")
        if args.skip_full:
            return
        with tempfile.TemporaryDirectory() as tmp:
            env = environment(tmp)
            reset_database(env)
            manage(env, "migrate", "--noinput", "-v0", "--skip-checks")
            seconds, peak, _out = manage(env, "import_markdown", "-v0", str(site))
            db = database_size(env, tmp)
            row = f"{seconds:.1f} s | {size / seconds:.2f} MB/s | {peak:.0f} MB | {db:.0f} MB"
            print(f"| whole site: first import | {row} |")
            again, _, _ = manage(env, "import_markdown", "-v0", str(site))
            print(f"| whole site: unchanged re-import | {again:.1f} s | {size / again:.1f} MB/s | | |")
            exported, _, _ = manage(env, "export_markdown", "-v0", f"{tmp}/out")
            print(f"| whole site: export | {exported:.1f} s | {size / exported:.1f} MB/s | | |")
            print(f"\ncost per MB, whole site / {args.sample} files: {seconds / size / small:.2f}× ; load {load()}")
            print(f"database / Markdown: {db / size:.2f}×")
            print(
                "\n| kind | files | byte-identical export | every word reaches the reader |\n| --- | --- | --- | --- |"
            )
            for kind, n, same, words in words_check(site, Path(tmp) / "out"):
                print(f"| {kind} | {n} | {same} | {words} |")


if __name__ == "__main__":
    main()
