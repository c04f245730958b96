"""What the benchmark scripts share: databases, seeding, servers and statistics.

Seeding imports our sample posts and, when present, ../shared/corpus through the real
importer (rendering, glossary, search index), then clones those posts with new slugs and
titles up to the size asked for (bulk inserts of posts, tags, mentions, glossary uses and
search documents), so 10,000 posts take minutes, not hours, and read like real ones.
"""

import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CORPUS = [ROOT.parent / "shared/corpus/notes", ROOT.parent / "shared/corpus/newer"]
VAR = ROOT / "var" / "bench"
PRODUCTION = {  # as in production: debug off, plain HTTP on 127.0.0.1
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SETTINGS_MODULE": "cms.settings",
}


def database_url(vendor, posts):
    """A database of its own for each vendor and size (SQLite file, or a PostgreSQL database)."""
    if vendor == "sqlite":
        VAR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{VAR}/bench-{posts}.sqlite3"
    return f"postgres://postgres@127.0.0.1:5432/cms_bench_{posts}"


def environment(url, **extra):
    return {**os.environ, **PRODUCTION, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), **extra}


def manage(env, *args, capture=True):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    ).stdout


def shell(env, code):
    """The last line ``code`` prints, run with manage.py shell."""
    return manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1]


def ensure_seeded(vendor, posts):
    """The seeded database's URL, seeding it first if it does not hold ``posts`` posts yet."""
    url = database_url(vendor, posts)
    env = environment(url, CACHE_URL="dummy://")
    if vendor == "postgresql":
        name = url.rsplit("/", 1)[1]
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"],
                       capture_output=True)  # fmt: skip
    manage(env, "migrate", "--noinput", "-v0")
    count = int(shell(env, "from editorial.models import Post; print(Post.objects.count())"))
    if count != posts:  # start from an empty database (migrations make the roles' groups)
        if vendor == "postgresql":
            for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        started = time.perf_counter()
        subprocess.run([PYTHON, str(ROOT / "bench" / "seed.py"), str(posts)], cwd=ROOT, env=env, check=True)
        print(f"seeded {posts} posts on {vendor} in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    manage(env, "collectstatic", "--noinput", "-v0")
    return url


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, workers=2, port=None, app="cms.wsgi", ready="/robots.txt", cwd=ROOT):
    """The app under gunicorn (sync workers) on 127.0.0.1; yields its base URL and process."""
    port = port or free_port()
    VAR.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), app, "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "--error-logfile", str(VAR / "gunicorn.log")],
        cwd=cwd, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + ready)
        yield base, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@contextlib.contextmanager
def job_worker(env, interval=0.1):
    """The background worker (manage.py db_worker), as production runs it beside gunicorn."""
    process = subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--interval", str(interval), "--no-reload"],
        cwd=ROOT, env=env, start_new_session=True, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


@contextlib.contextmanager
def nginx(root=None, *, server=None, name="nginx"):
    """nginx on 127.0.0.1 (2 workers, as the app has): serving ``root`` as static files, or
    the server block(s) ``server(port)`` returns (bench/deploy.py: deploy/nginx.conf itself).
    ``name`` is its folder under var/bench, so several can run side by side."""
    port = free_port()
    prefix = VAR / name
    shutil.rmtree(prefix, ignore_errors=True)
    (prefix / "logs").mkdir(parents=True)
    servers = server(port) if server else f"  server {{ listen 127.0.0.1:{port}; root {root}; index index.html; }}"
    conf = prefix / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # a temporary root folder is private to us
        + f"""worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy; fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
{servers}
}}
"""
    )
    subprocess.run(["nginx", "-t", "-q", "-p", str(prefix), "-c", str(conf)], check=True)
    process = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/zh/")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own server on 127.0.0.1
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own server on 127.0.0.1
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.read()


def wrk(url, seconds=10, connections=16, threads=2, script=None):
    """requests/s, p50 ms, p99 ms, non-2xx/3xx responses and socket errors, from wrk --latency."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(_after(out, "Requests/sec:"))
    latency = {line.split()[0]: _ms(line.split()[1]) for line in out.splitlines() if line.strip()[:3] in ("50%", "99%")}
    errors = int(_after(out, "Non-2xx or 3xx responses:") or 0)
    socket_errors = _after(out, "Socket errors:") or ""
    return {"rate": rate, "p50": latency.get("50%"), "p99": latency.get("99%"), "errors": errors,
            "socket_errors": socket_errors.strip(), "requests": int(_requests(out))}  # fmt: skip


def _after(text, label):
    for line in text.splitlines():
        if line.strip().startswith(label):
            return line.split(label, 1)[1].split(",")[0].strip()
    return None


def _requests(text):
    for line in text.splitlines():
        if "requests in" in line:
            return line.split()[0]
    return 0


def _ms(value):
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60000.0)):
        if value.endswith(unit):
            return float(value[: -len(unit)]) * factor
    return float(value)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def median(values):
    return statistics.median(values)


def rss_mb(pid):
    """Resident memory of one process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def setup_django(url, **extra):
    """Use the seeded database from this process (for in-process measurements)."""
    os.environ.update({**PRODUCTION, "DATABASE_URL": url, "CACHE_URL": "dummy://", **extra})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def in_process_arguments(doc, **extra):
    """Parse --posts/--database (and ``extra`` name=default options), then set Django up on
    the seeded database with an in-memory cache and the whole-page cache bypassed, so every
    request renders. Returns the arguments."""
    import argparse

    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--database-url", help="a database made otherwise (the whole real site imported), not seeded")
    for name, default in extra.items():
        parser.add_argument(f"--{name}", type=type(default), default=default)
    args = parser.parse_args()
    if args.database_url:
        args.database = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    setup_django(args.database_url or ensure_seeded(args.database, args.posts), CACHE_URL="locmem://")
    if args.database_url:  # seeding collects the static files; a database made otherwise needs them too
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    from editorial.middleware import PublicPageCacheMiddleware

    PublicPageCacheMiddleware.key = staticmethod(lambda request: None)
    return args
