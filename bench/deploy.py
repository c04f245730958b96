#!/usr/bin/env python
"""The production layout (deploy/nginx.conf) on an imported site, side by side with nginx alone.

    .venv/bin/python bench/deploy.py --database-url URL [--site DIR] [--runs 3] [--seconds 10]
                                     [--connections 16] [--requests 10000]

On a database made otherwise (the whole real site imported), with the static copy in --site
(built first, and timed, when the folder is empty), it starts what production runs: gunicorn
(2 sync workers, Redis as the cache) with EDITORIAL_STATIC_DIR set, the job worker, and nginx
with deploy/nginx.conf itself (its paths and ports replaced, plain HTTP on 127.0.0.1). Beside
them: nginx serving the same folder with nothing else (the ceiling), gunicorn with the
page cache off, and gunicorn running a bare WSGI app that answers the copy's bytes from memory
(bench/bare_wsgi.py: what any app behind gunicorn's sync workers could reach at most). wrk
measures a post page of median size, the home page, a glossary term's page
and a tag page on each, interleaved, `runs` times. Then:

* publishing: an editor's change (a title, through the content service, as the admin saves)
  until nginx in the deploy layout serves it, five times;
* memory: --requests mixed requests (post pages in both languages, lists, glossary, tags,
  searches, originals) to the uncached app, and each gunicorn worker's resident memory after.

Prints Markdown tables and the load average.
"""

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

DEPLOY = common.ROOT / "deploy"


def deploy_server(port, site, static_root, app_port):
    """deploy/nginx.conf's server blocks as a bench runs them: plain HTTP on 127.0.0.1, our
    paths and ports (common.nginx wraps them in the rest of an nginx.conf)."""
    text = (DEPLOY / "nginx.conf").read_text()
    text = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", text, count=1, flags=re.S)  # the https redirect
    text = re.sub(r"    listen 443 ssl http2;.*\n", f"    listen 127.0.0.1:{port};\n", text)
    text = re.sub(r"    ssl_certificate\S* .*\n", "", text)
    text = text.replace("/srv/cms/site", str(site)).replace("/srv/cms/static/", f"{static_root}/")
    text = text.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    return text.replace("/etc/nginx/cms_proxy.conf", str(DEPLOY / "cms_proxy.conf"))


def pick_pages(env):
    code = (
        "from editorial.models import Post, GlossaryEntry; from editorial.views import tag_pages; "
        "from django.db.models.functions import Length; "
        "qs = Post.objects.listed().filter(kind='note').annotate(n=Length('body_html_zh_hans')).order_by('n', 'pk'); "
        "post = qs[qs.count() // 2]; entry = GlossaryEntry.objects.in_index().order_by('-public_posts').first(); "
        "tag = max(tag_pages().values(), key=lambda t: t.n); "
        "print(post.get_absolute_url(), '/zh/glossary/%s/' % entry.slug, '/zh/tags/%s/' % tag.slug)"
    )
    post, glossary, tag = common.shell(env, code).split()
    return {"post": post, "home": "/zh/", "glossary term": glossary, "tag": tag}


def mixed_paths(env, n=400):
    code = (
        "import random; from editorial.models import Post, GlossaryEntry; from editorial.views import tag_pages; "
        "r = random.Random(17); posts = list(Post.objects.listed().values_list('kind', 'slug')); "
        "from editorial import kinds; "
        "[print('/%s/%s/%s/' % (r.choice(['zh', 'en']), kinds.get(k).folder, s)) for k, s in r.sample(posts, 250)]; "
        "[print('/zh/%s/%s/source.md' % (kinds.get(k).folder, s)) for k, s in r.sample(posts, 30)]; "
        "entries = GlossaryEntry.objects.in_index().values_list('slug', flat=True)[:60]; "
        "[print('/zh/glossary/%s/' % s) for s in entries]; "
        "[print('/en/tags/%s/' % t.slug) for t in list(tag_pages().values())[:30]]"
    )
    paths = common.manage(env, "shell", "--no-imports", "-c", code).strip().split("\n")
    paths += ["/zh/", "/en/", "/zh/page/2/", "/zh/notes/", "/zh/glossary/", "/zh/tags/", "/zh/sources/"]
    paths += [f"/zh/search/?q={q}" for q in ("%E6%A8%A1%E5%9E%8B", "AI", "inflation", "%E7%BE%8E%E8%81%94%E5%82%A8")]
    return [urllib.request.quote(p, safe="/?=%.") for p in paths if p][:n]


def wrk_paths_script(paths, folder):
    lua = Path(folder) / "paths.lua"
    quoted = ",".join('"' + p.replace('"', '\\"') + '"' for p in paths)
    lua.write_text(
        f"local paths = {{{quoted}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
    )
    return lua


def publish_times(url, base, site, times=5):
    """Seconds from an editor's commit until nginx (deploy layout) serves the new title."""
    common.setup_django(url, CACHE_URL="redis://127.0.0.1:6379/13", EDITORIAL_STATIC_DIR=str(site))
    from django.db import transaction

    from editorial import content
    from editorial.models import Post

    post = Post.objects.listed().filter(kind="note").order_by("-pk").first()
    original = post.title_zh_hans
    results = []
    try:
        for n in range(times):
            title = f"{original}（发布测试 {n}）"
            with transaction.atomic():
                before = content.Before.of(post.pk)
                post.title_zh_hans = title
                post.save()
                content.saved(post, before=before)
            committed = time.perf_counter()
            while time.perf_counter() - committed < 30:
                if title in common.fetch(base + post.get_absolute_url()).decode():
                    results.append(time.perf_counter() - committed)
                    break
                time.sleep(0.01)
            else:
                results.append(None)
    finally:
        post.refresh_from_db()
        with transaction.atomic():
            before = content.Before.of(post.pk)
            post.title_zh_hans = original
            post.save()
            content.saved(post, before=before)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--site", help="the static copy (built there first when empty)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--requests", type=int, default=10000)
    args = parser.parse_args()
    site = Path(args.site or tempfile.mkdtemp(prefix="cms-deploy-site-"))
    cache = "redis://127.0.0.1:6379/13"
    env = common.environment(args.database_url, CACHE_URL=cache, EDITORIAL_STATIC_DIR=str(site))
    uncached_env = {**env, "EDITORIAL_PAGE_CACHE_SECONDS": "0"}
    subprocess.run(["redis-cli", "-n", "13", "flushdb"], capture_output=True, check=False)
    common.manage(env, "collectstatic", "--noinput", "-v0")
    if not (site / "zh" / "index.html").exists():
        started = time.perf_counter()
        out = common.manage(env, "build_static", str(site))
        print(f"\nbuild_static: {time.perf_counter() - started:.0f} s ({out.strip()})")
    pages = pick_pages(env)
    static_root = common.shell(env, "from django.conf import settings; print(settings.STATIC_ROOT)")
    results, memory = {}, []
    with (
        tempfile.TemporaryDirectory() as folder,
        common.gunicorn(env) as (app, _app_process),
        common.gunicorn(uncached_env) as (uncached, uncached_process),
        common.gunicorn(
            {**env, "BENCH_BARE_ROOT": str(site)}, app="bare_wsgi:application", ready="/zh/", cwd=common.ROOT / "bench"
        ) as (bare, _bare_process),
        common.job_worker(env),
        common.nginx(site) as plain,
    ):
        deploy_conf = partial(deploy_server, site=site, static_root=static_root, app_port=app.rsplit(":", 1)[1])
        with common.nginx(server=deploy_conf, name="nginx-deploy") as deployed:
            servers = {"nginx alone (the copy)": plain, "deploy/nginx.conf": deployed,
                       "app, page cache": app, "app, uncached": uncached,
                       "gunicorn, the copy's bytes from memory (no Django)": bare}  # fmt: skip
            for base in servers.values():
                for path in pages.values():
                    common.wrk(base + urllib.request.quote(path), seconds=2, connections=4)
            for _ in range(args.runs):
                for page, path in pages.items():
                    for server, base in servers.items():
                        result = common.wrk(base + urllib.request.quote(path), seconds=args.seconds,
                                            connections=args.connections)  # fmt: skip
                        results.setdefault((page, server), []).append(result)
            publish = publish_times(args.database_url, deployed, site)
            # Mixed reads to the app with no page cache until --requests have been answered.
            lua = wrk_paths_script(mixed_paths(env), folder)
            answered = 0
            while answered < args.requests:
                answered += common.wrk(uncached + "/", seconds=10, connections=8, script=lua)["requests"]
            memory = [common.rss_mb(pid) for pid in common.children(uncached_process.pid)]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n### Deploy layout: {args.runs} runs of {args.seconds} s, {args.connections} connections, load {load}\n")
    print("| page | server | req/s | p50 ms | p99 ms | errors | share of nginx alone |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for page, path in pages.items():
        ceiling = common.median([r["rate"] for r in results[(page, "nginx alone (the copy)")]])
        for server in servers:
            runs = results[(page, server)]
            rate = common.median([r["rate"] for r in runs])
            p50, p99 = common.median([r["p50"] for r in runs]), common.median([r["p99"] for r in runs])
            errors = sum(r["errors"] for r in runs)
            share = rate / ceiling
            print(f"| {page} `{path[:40]}` | {server} | {rate:,.0f} | {p50:.1f} | {p99:.1f} | {errors} | {share:.1%} |")
    shown = ", ".join(f"{s * 1000:.0f} ms" if s is not None else "never" for s in publish)
    print(f"\nA title changed through the content service, until nginx (deploy layout) serves it: {shown}")
    print(f"\ngunicorn workers (no page cache) after {answered:,} mixed requests: "
          + ", ".join(f"{m:.0f} MB" for m in memory))  # fmt: skip
    print(f"\nload average: {load}")


if __name__ == "__main__":
    random.seed(17)
    main()
