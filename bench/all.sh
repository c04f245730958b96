#!/usr/bin/env bash
# Every benchmark, one after the other (each prints a Markdown table); see docs/benchmarks.md.
#   bash bench/all.sh [POSTS]        (default 10000; seeds SQLite and PostgreSQL databases once)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
POSTS=${1:-10000}
for db in sqlite postgresql; do
  $PY bench/queries.py --posts "$POSTS" --database "$db"
  $PY bench/search.py --posts "$POSTS" --database "$db"
  $PY bench/admin.py --posts "$POSTS" --database "$db"
done
$PY bench/admin.py --posts 1000 --database sqlite
$PY bench/pages.py --posts "$POSTS"
$PY bench/load.py --posts "$POSTS" --database sqlite
$PY bench/static_build.py
$PY bench/import_export.py --runs 3 --synthesise 1000
# The users' whole site (skips when ../shared/site is absent), on SQLite and on PostgreSQL.
$PY bench/whole_site.py
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS cms_bench_site" -c "CREATE DATABASE cms_bench_site"
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/cms_bench_site $PY bench/whole_site.py
fi
# The glossary of the whole site: its figures and a sample of flags, then its pages, the
# sitemap and the admin list on SQLite and (the site whole_site.py imported) PostgreSQL.
GLOSSARY_DB="$(mktemp -d)/glossary.sqlite3"
$PY bench/glossary_eval.py --keep "$GLOSSARY_DB"
if [ -f "$GLOSSARY_DB" ]; then
  DATABASE_URL="sqlite:///$GLOSSARY_DB" $PY bench/glossary_pages.py
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cms_bench_site $PY bench/glossary_pages.py
  fi
fi
# #17 on the whole site (the glossary run's database, and whole_site.py's on PostgreSQL): the
# static build, search and the admin on both databases, the production layout (deploy/) against
# nginx alone, and our post page against a Wagtail 8 site holding the same items.
if [ -f "$GLOSSARY_DB" ]; then
  $PY bench/static_build.py --database-url "sqlite:///$GLOSSARY_DB"
  $PY bench/search.py --database-url "sqlite:///$GLOSSARY_DB"
  $PY bench/admin.py --database-url "sqlite:///$GLOSSARY_DB"
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    $PY bench/search.py --database-url postgres://postgres@127.0.0.1:5432/cms_bench_site
    $PY bench/admin.py --database-url postgres://postgres@127.0.0.1:5432/cms_bench_site
  fi
  $PY bench/deploy.py --database-url "sqlite:///$GLOSSARY_DB"
  $PY bench/wagtail.py --database-url "sqlite:///$GLOSSARY_DB"
fi
# Every change reaching readers and the static copy; the whole site uploaded as one zip.
$PY bench/freshness.py
$PY bench/upload.py
# Hostile bodies against the renderer, and the whole site rendered unchanged by its limits.
$PY bench/render_limits.py
# Load and faults on the whole site (the glossary run's database): readers, an editor, an
# import, a killed worker, Redis stopped and started.
if [ -f "$GLOSSARY_DB" ]; then
  $PY bench/faults.py --database-url "sqlite:///$GLOSSARY_DB"
fi
