#!/usr/bin/env python
"""The public site under load while editors save: 64 readers for 60 s, admin saves meanwhile.

    .venv/bin/python bench/load.py [--posts 10000] [--database sqlite|postgresql]
                                   [--readers 64] [--seconds 60] [--workers 2]

The app runs as in production (gunicorn sync workers, debug off, Redis page cache). wrk
drives `readers` connections over a mix of public pages (home and its pages, posts in
both languages, tags, sources, entities, glossary, search, feeds). Meanwhile an editor
logs into the admin and saves a post every two seconds through its change form; after
each save the post's public page must show the new title (the page cache follows).
Passes when wrk saw no errors and every save succeeded and showed.

    .venv/bin/python bench/load.py --faults --database-url URL [--site DIR] …

runs the faults run instead (bench/faults.py: the whole real site, an import beside the
editor, a gunicorn worker and the job worker killed, Redis stopped and started).
"""

import argparse
import http.cookiejar
import re
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


class FormFields(HTMLParser):
    """The fields of the admin's post form, as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self._textarea, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select":
            self._select = None


class Editor(threading.Thread):
    def __init__(self, base, env, slug, stop):
        super().__init__(daemon=True)
        self.base, self.env, self.slug, self.stop = base, env, slug, stop
        self.saved, self.failed, self.shown, self.times = 0, [], 0, []
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.jar = jar

    def csrf(self):
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})
        return self.opener.open(request, timeout=60)

    def run(self):
        self.began = time.perf_counter()
        login = "/admin/login/"
        self.opener.open(self.base + login, timeout=60).read()
        self.post(login, {"username": "load-editor", "password": "load-editor-pw", "csrfmiddlewaretoken": self.csrf(),
                          "next": "/admin/"}).read()  # fmt: skip
        n = 0
        while not self.stop.is_set():
            n += 1
            started = time.perf_counter()
            try:
                change = f"/admin/editorial/post/{self.pk}/change/"
                form = FormFields()
                form.feed(self.opener.open(self.base + change, timeout=60).read().decode())
                title = f"负载测试中的标题 {n}"
                fields = [(k, v) for k, v in form.fields if k != "title_zh_hans"] + [("title_zh_hans", title)]
                response = self.post(change, fields)
                body = response.read().decode()
                if urllib.parse.urlsplit(response.url).path == "/admin/editorial/post/":  # saved: back to the list
                    self.saved += 1
                    self.times.append(time.perf_counter() - started)
                else:
                    self.failed.append(re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body)[:2])
                public = urllib.request.urlopen(f"{self.base}/zh/posts/{self.slug}/", timeout=60).read().decode()  # noqa: S310
                self.shown += title in public
            except Exception as error:  # noqa: BLE001 - a load test reports every failure
                now = time.perf_counter()
                self.failed.append(f"at {now - self.began:.0f}s, after {now - started:.0f}s: {error!r}")
            self.stop.wait(2)


def main():
    if "--faults" in sys.argv:  # the whole site under load and faults: bench/faults.py
        import faults

        sys.argv.remove("--faults")
        return faults.main()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--readers", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = common.ensure_seeded(args.database, args.posts)
    env = common.environment(url, CACHE_URL="redis://127.0.0.1:6379/13")
    code = (
        "from django.contrib.auth.models import User; from editorial.models import Post; import random; "
        "u, _ = User.objects.get_or_create(username='load-editor', defaults={'is_staff': True, 'is_superuser': True}); "
        "u.set_password('load-editor-pw'); u.save(); "
        "from editorial.models import Entity, GlossaryEntry; from editorial.views import tag_pages; "
        "ps = list(Post.objects.listed().order_by('?').values_list('slug', flat=True)[:40]); "
        "ts = [t.slug for t in list(tag_pages().values())[:10]]; "
        "es = [e.get_absolute_url() for e in Entity.objects.order_by('?')[:10]]; "
        "gs = [g.get_absolute_url() for g in GlossaryEntry.objects.public().order_by('?')[:10]]; "
        "one = Post.objects.listed().order_by('?').values_list('pk', 'slug')[0]; "
        "import json; print(json.dumps([ps, ts, es, gs, one]))"
    )
    import json

    posts, tags, entities, entries, (pk, slug) = json.loads(common.shell(env, code))
    paths = ["/zh/", "/en/", "/zh/page/2/", "/zh/page/7/", "/zh/tags/", "/zh/sources/", "/zh/glossary/", "/zh/feed/"]
    paths += [f"/zh/posts/{s}/" for s in posts] + [f"/en/posts/{s}/" for s in posts[:10]]
    paths += [f"/zh/tags/{t}/" for t in tags] + entities + entries
    paths += [f"/zh/search/?q={urllib.parse.quote(q)}" for q in ("模型", "通胀", "AI 芯片", "inflation", "美联储")]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(f'"{p}"' for p in paths))
    with common.gunicorn(env, workers=args.workers) as (base, process):
        for path in paths:  # every page answers before the load starts
            common.fetch(base + path)
        stop = threading.Event()
        editor = Editor(base, env, slug, stop)
        editor.pk = pk
        editor.start()
        result = common.wrk(base + "/", seconds=args.seconds, connections=args.readers, script=script.name)
        stop.set()
        editor.join(timeout=120)
        memory = [common.rss_mb(p) for p in common.children(process.pid)]
    print(f"\n### Load: {args.readers} readers for {args.seconds}s, {args.database}, {args.posts} posts, "
          f"gunicorn {args.workers} sync workers, Redis page cache, {len(paths)} pages in rotation\n")  # fmt: skip
    print("| requests | req/s | p50 ms | p99 ms | HTTP errors | socket errors | admin saves | saves shown | failed |")
    print("|---:|---:|---:|---:|---:|---|---:|---:|---|")
    print(f"| {result['requests']:,} | {result['rate']:,.0f} | {result['p50']:.1f} | {result['p99']:.1f} | "
          f"{result['errors']} | {result['socket_errors'] or 'none'} | {editor.saved} | {editor.shown} | "
          f"{editor.failed or 'none'} |")  # fmt: skip
    if editor.times:
        print(f"\nadmin save + reload of the form under load: median {common.median(editor.times) * 1000:.0f} ms")
    print(f"gunicorn workers after the load: {', '.join(f'{m:.0f} MB' for m in memory)}")
    ok = result["errors"] == 0 and not result["socket_errors"] and not editor.failed and editor.saved == editor.shown
    print("\nPASS" if ok else "\nFAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
