#!/usr/bin/env python
"""Import/export throughput on a fresh SQLite (or DATABASE_URL) database.

    .venv/bin/python bench/import_export.py [--runs 3] [--synthesise 1000] [CORPUS_DIR ...]

Each run migrates a new database in a temporary folder, then times, as separate
processes: a first import of every corpus folder (rendering included), a re-import of
the same unchanged files, and an export of every post. With --synthesise N it also
imports N posts made from our sample posts (distinct slugs and titles). Prints a
Markdown table of medians: seconds, posts/s and MB/s.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def manage(env, *args):
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def synthesise(folder, count):
    samples = sorted((ROOT / "sample_content").glob("*.md"))
    folder.mkdir(parents=True)
    for i in range(count):
        source = samples[i % len(samples)].read_text(encoding="utf-8")
        text = source.replace("\ntitle: ", f"\ntitle: 第{i}篇 ", 1)
        (folder / f"synthetic-{i:05d}.md").write_text(text, encoding="utf-8")
    return folder


def measure(label, folders, runs):
    files = [p for f in folders for p in Path(f).rglob("*.md")]
    size = sum(p.stat().st_size for p in files) / 1e6
    rows = {"first import": [], "unchanged re-import": [], "export": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            # As in production: debug off (no per-query logging), plain HTTP on 127.0.0.1.
            env = {
                **os.environ,
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            }
            env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
            manage(env, "migrate", "--noinput", "-v0", "--skip-checks")
            rows["first import"].append(manage(env, "import_markdown", "-v0", *map(str, folders)))
            rows["unchanged re-import"].append(manage(env, "import_markdown", "-v0", *map(str, folders)))
            rows["export"].append(manage(env, "export_markdown", "-v0", f"{tmp}/out"))
            if "postgres" in env["DATABASE_URL"]:
                manage(env, "flush", "--noinput", "-v0")
    print(f"\n{label}: {len(files)} posts, {size:.1f} MB of Markdown, {runs} runs (median; process start included)\n")
    print("| step | seconds | posts/s | MB/s |")
    print("|---|---:|---:|---:|")
    for step, times in rows.items():
        t = statistics.median(times)
        print(f"| {step} | {t:.2f} | {len(files) / t:.1f} | {size / t:.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="*", help="folders of .md files (default: ../shared/corpus/notes and newer)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--synthesise", type=int, default=0, metavar="N")
    args = parser.parse_args()
    corpus = args.corpus or [
        p for p in (ROOT.parent / "shared/corpus/notes", ROOT.parent / "shared/corpus/newer") if p.is_dir()
    ]
    print(f"database: {os.environ.get('DATABASE_URL', 'SQLite (temporary file)')}; python {sys.version.split()[0]}")
    if corpus:
        measure("Shared corpus", corpus, args.runs)
    if args.synthesise:
        with tempfile.TemporaryDirectory() as tmp:
            measure(
                "Synthesised from sample_content", [synthesise(Path(tmp) / "synthetic", args.synthesise)], args.runs
            )


if __name__ == "__main__":
    main()
