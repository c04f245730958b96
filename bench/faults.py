#!/usr/bin/env python
"""Load and faults on the whole real site: readers, an editor, an import, a killed worker, Redis gone.

    .venv/bin/python bench/faults.py --database-url sqlite:////path/whole.sqlite3 [--site /path/site]
                                     [--readers 64] [--seconds 60] [--workers 2] [--import-files 300]

The database must hold the users' whole site already (``import_markdown`` of its four folders;
``bench/glossary_eval.py --keep FILE`` or the README's commands make one). ``--import-files``
of its notes (from ``--site``, an unpacked copy, or else from ../shared/site's archive) are
changed and imported again while the load runs. The
app runs as in production (gunicorn sync workers, debug off), with the job worker beside it and
a Redis of its own (port 6390) as the cache. Over ``--seconds``:

- ``--readers`` wrk connections read a rotation of public pages (counted by HTTP status);
- an editor saves a post through the admin every two seconds and checks readers see it;
- ``manage.py import_markdown`` re-imports the changed files (as the users' pipeline does);
- at 25% of the run one gunicorn worker is killed (SIGKILL), and the job worker too (a
  supervisor starts it again, as systemd would);
- at 40% Redis is stopped; at 70% it is started again (empty, as it keeps nothing on disk).

Passes when no response was a 5xx (none is documented for these faults: without Redis pages
render uncached), every save succeeded and was shown, the import updated every file and
failed none, and every post is still there. Prints the figures and the load average.
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from load import Editor  # noqa: E402

ARCHIVE = common.ROOT.parent / "shared" / "site" / "real-site.tar.xz"
REDIS_PORT = 6390
LUA = """
local paths = {%s}
local threads = {}
local i = 0
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do total[code] = (total[code] or 0) + n end
  end
  for code, n in pairs(total) do io.write(string.format("status %%d %%d\\n", code, n)) end
end
"""


def redis(port):
    return subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def changed_copies(site, count, skip, folder):
    """``count`` real note files, each with a line added to its body, in ``folder``/notes: from
    ``site`` (an unpacked copy), else the first notes of ../shared/site's archive."""
    target = folder / "notes"
    target.mkdir(parents=True)
    if site:
        notes = sorted((Path(site) / "notes").glob("*.md"))
        chosen = [(p.name, p.read_bytes()) for p in notes[:: max(1, len(notes) // (count + 1))] if p.stem != skip]
    else:
        chosen = []
        with tarfile.open(ARCHIVE) as archive:
            for member in archive:
                name = PurePosixPath(member.name)
                if member.isfile() and name.parent.name == "notes" and name.suffix == ".md" and name.stem != skip:
                    chosen.append((name.name, archive.extractfile(member).read()))
                    if len(chosen) == count:
                        break
    for name, data in chosen[:count]:
        (target / name).write_bytes(data + f"\n\n（负载测试 {time.time_ns()}）\n".encode())
    return len(chosen[:count])


def wrk_statuses(url, seconds, connections, script):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    statuses = {}
    for line in out.splitlines():
        if line.startswith("status "):
            _, code, n = line.split()
            statuses[int(code)] = int(n)
    socket_errors = next((line.split(":", 1)[1] for line in out.splitlines() if "Socket errors:" in line), "none")
    return statuses, float(common._after(out, "Requests/sec:")), socket_errors.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--site", help="an unpacked copy of the site (default: read ../shared/site's archive)")
    parser.add_argument("--readers", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--import-files", type=int, default=1500)  # about as long as the load, on SQLite
    parser.add_argument("--without", default="", help="faults to leave out: kill, redis, import (comma-separated)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("needs Debian's wrk (apt-get install wrk)")
    if not args.site and not ARCHIVE.exists():
        print(f"skipped: {ARCHIVE} is not present")
        return

    env = common.environment(args.database_url, CACHE_URL=f"redis://127.0.0.1:{REDIS_PORT}/0")
    common.manage(env, "collectstatic", "--noinput", "-v0")
    code = (
        "from django.contrib.auth.models import User; from editorial.models import Post, Entity, GlossaryEntry; "
        "u, _ = User.objects.get_or_create(username='load-editor', defaults={'is_staff': True, 'is_superuser': True}); "
        "u.set_password('load-editor-pw'); u.save(); "
        "from editorial.views import tag_pages; "
        "ps = list(Post.objects.listed().order_by('?').values_list('kind', 'slug')[:40]); "
        "ts = [t.slug for t in list(tag_pages().values())[:10]]; "
        "es = [e.get_absolute_url() for e in Entity.objects.public().order_by('?')[:10]]; "
        "gs = [g.get_absolute_url() for g in GlossaryEntry.objects.in_index().order_by('?')[:10]]; "
        "one = Post.objects.listed().filter(kind='post', slug__regex=r'^[A-Za-z0-9_-]+$')"
        ".order_by('?').values_list('pk', 'slug')[0]; "
        "import json; print(json.dumps([ps, ts, es, gs, one, Post.objects.count()]))"
    )
    posts, tags, entities, entries, (pk, slug), count_before = json.loads(common.shell(env, code))
    folders = {"note": "notes", "post": "posts", "clipping": "clippings", "book": "books"}
    paths = ["/zh/", "/en/", "/zh/page/2/", "/zh/page/7/", "/zh/tags/", "/zh/sources/", "/zh/glossary/", "/zh/feed/"]
    paths += [f"/zh/{folders[k]}/{urllib.parse.quote(s)}/" for k, s in posts]
    paths += [f"/en/{folders[k]}/{urllib.parse.quote(s)}/" for k, s in posts[:10]]
    paths += [f"/zh/tags/{urllib.parse.quote(t)}/" for t in tags] + entities + entries
    paths += [f"/zh/search/?q={urllib.parse.quote(q)}" for q in ("模型", "通胀", "AI 芯片", "inflation", "美联储")]
    work = Path(tempfile.mkdtemp(prefix="faults-"))
    script = work / "rotation.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in paths))
    to_import = changed_copies(args.site, args.import_files, slug, work / "site")

    events = []
    cache = redis(REDIS_PORT)
    time.sleep(0.5)
    try:
        with common.gunicorn(env, workers=args.workers) as (base, process):
            for path in paths:  # every page answers before the load starts
                common.fetch(base + path)
            worker = common.job_worker(env, interval=1)
            job_process = worker.__enter__()
            stop = threading.Event()
            editor = Editor(base, env, slug, stop)
            editor.pk = pk
            editor.start()
            import_log = (work / "import.log").open("w")
            importing = subprocess.Popen(
                [common.PYTHON, "manage.py", "import_markdown", str(work / "site" / "notes")]
                if "import" not in args.without
                else ["true"],
                cwd=common.ROOT,
                env=env,
                stdout=import_log,
                stderr=subprocess.STDOUT,
            )  # to a file: a pipe read only at the end filled up and stalled the import holding its batch
            result = {}

            def read():
                statuses, rate, socket = wrk_statuses(base + "/", args.seconds, args.readers, str(script))
                result.update(statuses=statuses, rate=rate, socket=socket)

            reader = threading.Thread(target=read)
            started = time.monotonic()
            reader.start()

            def at(fraction):
                time.sleep(max(0, started + args.seconds * fraction - time.monotonic()))

            without = set(args.without.split(","))
            at(0.25)
            victim = common.children(process.pid)[0] if "kill" not in without else None
            if victim:
                os.kill(victim, signal.SIGKILL)
                os.killpg(job_process.pid, signal.SIGKILL)
                job_process.wait()
                with contextlib.suppress(ProcessLookupError):  # its cleanup finds it gone
                    worker.__exit__(None, None, None)
                events.append(f"{time.monotonic() - started:.0f}s: killed gunicorn worker {victim} and the job worker")
                worker = common.job_worker(env, interval=1)  # the supervisor starts it again
                job_process = worker.__enter__()
            at(0.40)
            if "redis" not in without:
                cache.send_signal(signal.SIGKILL)
                cache.wait()
                events.append(f"{time.monotonic() - started:.0f}s: Redis stopped")
                at(0.70)
                cache = redis(REDIS_PORT)
                events.append(f"{time.monotonic() - started:.0f}s: Redis started again (empty)")
            reader.join()
            stop.set()
            editor.join(timeout=120)
            importing.wait(timeout=1800)
            import_log.close()
            out = err = (work / "import.log").read_text()
            events.append(f"{time.monotonic() - started:.0f}s: the import finished (exit {importing.returncode})")
            time.sleep(6)  # the invalidation job's retry, had one been queued
            final = urllib.request.urlopen(f"{base}/zh/posts/{slug}/", timeout=60).read().decode()  # noqa: S310
            worker.__exit__(None, None, None)
            memory = [common.rss_mb(p) for p in common.children(process.pid)]
    finally:
        cache.send_signal(signal.SIGTERM)
        cache.wait()
    count_after = int(common.shell(env, "from editorial.models import Post; print(Post.objects.count())"))
    summary = next((line for line in out.splitlines() if " files: " in line), out.strip()[-200:])
    statuses = result.get("statuses", {})
    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    last_title = f"负载测试中的标题 {editor.saved}" if editor.saved else None

    load = os.getloadavg()
    print(f"\n### Faults: whole site ({count_before:,} items), {args.readers} readers for {args.seconds}s, "
          f"gunicorn {args.workers} workers, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")  # fmt: skip
    for line in events:
        print(f"- {line}")
    print("\n| requests by status | req/s | socket errors | 5xx | admin saves | saves shown | save failures |"
          " import | items before → after |")  # fmt: skip
    print("|---|---:|---|---:|---:|---:|---|---|---|")
    print(f"| {', '.join(f'{c}: {n:,}' for c, n in sorted(statuses.items()))} | {result.get('rate', 0):,.0f} | "
          f"{result.get('socket', '')} | {server_errors} | {editor.saved} | {editor.shown} | "
          f"{editor.failed or 'none'} | {summary} | {count_before:,} → {count_after:,} |")  # fmt: skip
    print(f"\ngunicorn workers after the run: {', '.join(f'{m:.0f} MB' for m in memory)}")
    ok = (
        server_errors == 0
        and not editor.failed
        and editor.saved == editor.shown
        and f"{to_import} updated" in summary
        and "0 failed" in summary
        and count_after == count_before
        and (last_title is None or last_title in final)
    )
    if importing.returncode:
        print("import output:", err.strip()[-500:])
    shutil.rmtree(work, ignore_errors=True)
    print("\nPASS" if ok else "\nFAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
