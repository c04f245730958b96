#!/usr/bin/env python
"""A full static build (manage.py build_static) of the shared corpus, and one post's refresh.

    .venv/bin/python bench/static_build.py [--runs 3] [CORPUS_DIR ...]

Each run imports the corpus into a new SQLite database (not timed), then times a first
full build into an empty folder, a second build over it (nothing changed), and the
refresh of one post (what publishing or fixing it costs). Memory is the peak of the sum
of the resident memory of the build and its worker processes, sampled every 50 ms.
Prints a Markdown table of medians and the projection to 9,000 posts (linear in posts).
"""

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


def peak_memory(process):
    """Peak MB of a process and its descendants, sampled until it ends."""
    peak = [0.0]

    def sample():
        while process.poll() is None:
            pids, total = [process.pid], 0.0
            while pids:
                pid = pids.pop()
                try:
                    total += common.rss_mb(pid)
                except FileNotFoundError:
                    continue
                pids.extend(common.children(pid))
            peak[0] = max(peak[0], total)
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    return thread, peak


def timed_build(env, outdir):
    started = time.perf_counter()
    process = subprocess.Popen(
        [common.PYTHON, "manage.py", "build_static", str(outdir)], cwd=common.ROOT, env=env,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    thread, peak = peak_memory(process)
    out, _ = process.communicate()
    thread.join()
    if process.returncode:
        raise SystemExit(f"build_static failed: {out}")
    return time.perf_counter() - started, peak[0], out.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="*")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="a site imported otherwise (the whole real site): one build of it")
    parser.add_argument("--out", help="with --database-url: where the copy goes (kept; default a temporary folder)")
    args = parser.parse_args()
    if args.database_url:
        return whole_site(args)
    corpus = [Path(c) for c in args.corpus] or [p for p in common.CORPUS if p.is_dir()]
    if not corpus:
        raise SystemExit("no corpus: pass folders of .md files (../shared/corpus is not here)")
    rows = collections.defaultdict(list)
    memory, summary = [], ""
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = common.environment(f"sqlite:///{tmp}/static.sqlite3", CACHE_URL="locmem://")
            common.manage(env, "migrate", "--noinput", "-v0")
            common.manage(env, "import_markdown", "-v0", *map(str, corpus))
            common.manage(env, "collectstatic", "--noinput", "-v0")
            posts = int(common.shell(env, "from editorial.models import Post; print(Post.objects.public().count())"))
            seconds, peak, summary = timed_build(env, Path(tmp) / "site")
            rows["full build"].append(seconds)
            memory.append(peak)
            rows["second build (nothing changed)"].append(timed_build(env, Path(tmp) / "site")[0])
            code = (
                "from editorial import static_site; from editorial.models import Post; "
                "p = Post.objects.public().order_by('-published_at').first(); "
                f"first = static_site.refresh_post({str(Path(tmp) / 'site')!r}, p.kind, p.slug); "
                f"fix = static_site.refresh_post({str(Path(tmp) / 'site')!r}, p.kind, p.slug); "
                "print(first.readable_seconds, first.seconds, first.rendered, fix.seconds, fix.rendered)"
            )
            readable, whole, rendered, fix, fix_rendered = common.shell(env, code).split()
            rows["publish one post: readable (post, home pages, feeds)"].append(float(readable))
            rows[f"publish one post: with its neighbourhood ({rendered} pages)"].append(float(whole))
            rows[f"fix one post's body ({fix_rendered} pages)"].append(float(fix))
            files = sum(1 for p in (Path(tmp) / "site").rglob("*") if p.is_file())
    print(f"\n### Static build: {posts} posts of the shared corpus, {files} files, {args.runs} runs (median)\n")
    print(f"last run: {summary}\n")
    print("| step | seconds | per post |")
    print("|---|---:|---:|")
    for step, times in rows.items():
        t = common.median(times)
        per_post = f"{t / posts * 1000:.0f} ms" if "build" in step else ""
        print(f"| {step} | {t:.2f} | {per_post} |")
    full = common.median(rows["full build"])
    print(f"\npeak memory of the build and its workers: {common.median(memory):.0f} MB")
    print(f"projection to 9,000 posts (linear in posts): {full / posts * 9000 / 60:.1f} minutes")


def whole_site(args):
    """One full build of an imported site into an empty folder: time, peak memory, files by kind."""
    env = common.environment(args.database_url, CACHE_URL="locmem://")
    common.manage(env, "collectstatic", "--noinput", "-v0")
    items = int(common.shell(env, "from editorial.models import Post; print(Post.objects.public().count())"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or Path(tmp) / "site")
        if out.exists() and any(out.iterdir()):
            raise SystemExit(f"{out} is not empty: a first build goes into an empty folder")
        seconds, peak, summary = timed_build(env, out)
        kinds = collections.Counter()
        size = 0
        for path in out.rglob("*"):
            if path.is_file():
                parts = path.relative_to(out).parts
                kind = parts[0] if len(parts) < 3 or parts[0] == "static" else parts[1]
                kinds["feeds" if parts[-2:-1] == ("feed",) else "Markdown files" if path.suffix == ".md" else kind] += 1
                size += path.stat().st_size
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n### Static build of {items} public items ({args.database_url.split(':')[0]}), load after: {load}\n")
    print(f"{summary}\n")
    print(f"{seconds:.0f} s ({seconds / 60:.1f} min), peak memory of the build and its workers {peak:.0f} MB, "
          f"{sum(kinds.values()):,} files, {size / 2**30:.2f} GiB\n")  # fmt: skip
    print("| pages | files |")
    print("|---|---:|")
    for kind, n in kinds.most_common():
        print(f"| {kind} | {n:,} |")


if __name__ == "__main__":
    main()
