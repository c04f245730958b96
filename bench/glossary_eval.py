#!/usr/bin/env python
"""The glossary on real content: how many entries, how many used twice, how many flagged,
and a seeded sample of flags to judge by hand (docs/glossary-evaluation.md).

    .venv/bin/python bench/glossary_eval.py                 # the whole site, if ../shared/site is there
    .venv/bin/python bench/glossary_eval.py --db FILE       # a database the whole site was imported into
    .venv/bin/python bench/glossary_eval.py --corpus        # the 247-note corpus instead
    options: --sample 100 --seed 14 --queue 20

Without --db it imports into a temporary SQLite database (the whole site takes about a
quarter of an hour). Prints the figures, the head of the review queue (ranked by the
public posts a decision reaches), and the sample: for each flagged entry, what its posts
call it, with how many posts say each. Extraction precision and recall are judged with
``--annotations`` (the sample of extracted definitions, as in the first evaluation).
"""

import argparse
import os
import random
import re
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SITE = ROOT.parent / "shared" / "site" / "real-site.tar.xz"
CORPUS = [ROOT.parent / "shared/corpus/notes", ROOT.parent / "shared/corpus/newer"]
FOLDERS = ("notes", "posts", "clippings", "books")
LOOSE = re.compile(r"\*\*[^*\n]{1,80}\*\*\s?[（(]|[（(]\*\*[^*\n]{1,80}\*\*|\*\*[^*\n]{1,60}[（(][^*\n]{1,60}[）)]\*\*")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="an SQLite file (or set DATABASE_URL) holding an imported site")
    parser.add_argument("--site", help="an unpacked copy of the site (folders notes/, posts/, …)")
    parser.add_argument("--keep", help="import into this SQLite file (kept, for bench/glossary_pages.py)")
    parser.add_argument("--corpus", action="store_true", help="the 247-note corpus instead of the whole site")
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--queue", type=int, default=20)
    parser.add_argument("--annotations", action="store_true", help="also sample extracted annotations and spots")
    args = parser.parse_args()
    folders = prepare(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from editorial import glossary_curation
    from editorial.models import GlossaryEntry

    if folders is not None:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("import_markdown", *map(str, folders), verbosity=0)
        print(f"imported in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    glossary_curation.refresh()
    print(f"every entry derived again in {time.perf_counter() - started:.1f} s; load {os.getloadavg()[0]:.2f}")

    figures = glossary_curation.counts()
    entries = figures["entries"]
    print(
        f"entries: {entries:,}; aliases: {figures['aliases']:,}; uses: {figures['uses']:,}\n"
        f"used by 2+ posts: {figures['used_by_2']:,}; with a public page: {figures['public']:,}; "
        f"in the public index: {figures['in_index']:,}\n"
        f"flagged for review: {figures['flagged']:,} ({100 * figures['flagged'] / max(entries, 1):.2f}% of entries), "
        f"of which used by a public post: {figures['flagged_public']:,}\n"
        f"entries by number of posts: {figures['by_posts']}; most used: {figures['largest']}"
    )
    print("\n# The review queue's head (public posts reached, term, what the posts disagree on)")
    for entry in glossary_curation.review_queue()[: args.queue]:
        print(f"{entry.public_posts:5d}  {entry.term}  ::  {entry.conflict_summary}")
    flagged = list(GlossaryEntry.objects.needs_review().order_by("pk").values_list("pk", flat=True))
    rng = random.Random(args.seed)
    print(f"\n# Sample of {min(args.sample, len(flagged))} flags (seed {args.seed}): readings as 'English [posts]'")
    for i, pk in enumerate(sorted(rng.sample(flagged, min(args.sample, len(flagged)))), 1):
        entry = GlossaryEntry.objects.get(pk=pk)
        groups, uses = {}, glossary_curation._uses(entry)
        for group in glossary_curation.readings(entry):
            name = group[0]["english"] or "—"
            held = groups.setdefault(name.casefold(), [name, 0, group[0]["definition"][:36]])
            held[1] += len(group)
        shown = "; ".join(f"{name} [{n}] {definition}" for name, n, definition in list(groups.values())[:5])
        why = "; ".join(f"{name} ({reason})" for name, reason in glossary_curation.disagreeing(uses, entry.term)[1:])
        print(f"F{i:03d} {entry.term} ({entry.public_posts} public) :: {why}\n      {shown}")
    if args.annotations:
        annotation_samples(folders or [], rng, args.sample)


def prepare(args):
    """Folders to import, or None when --db names a database already imported."""
    if args.db:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.db).resolve()}"
        return None
    if os.environ.get("DATABASE_URL") and not args.corpus and not args.site:
        return None  # the database DATABASE_URL names holds the site
    tmp = Path(tempfile.mkdtemp(prefix="glossary-eval-"))
    database = Path(args.keep).resolve() if args.keep else tmp / "eval.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    if args.corpus:
        return CORPUS
    if args.site:
        return [Path(args.site) / folder for folder in FOLDERS if (Path(args.site) / folder).is_dir()]
    if not SITE.exists():
        print(f"skipped: {SITE} is not there (use --corpus or --site)")
        sys.exit(0)
    with tarfile.open(SITE) as archive:
        archive.extractall(tmp / "site", filter="data")
    found = [p for p in (tmp / "site").rglob("*") if p.is_dir() and p.name in FOLDERS]
    return sorted(found)


def annotation_samples(folders, rng, size):
    from editorial import originals
    from editorial.glossary import extract

    files = sorted(p for folder in folders for p in Path(folder).glob("*.md"))
    found, spots = [], []
    for path in files:
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        chinese = originals.parse(body).chinese
        found += [(path.stem, annotation) for annotation in extract(body)]
        for line in chinese.split("\n"):
            for m in LOOSE.finditer(line):
                spots.append((path.stem, line[max(0, m.start() - 12) : m.end() + 40], list(extract(line))))
    print(f"\nannotations extracted: {len(found)}; loose candidate spots: {len(spots)}")
    print("\n# Precision sample: extracted annotations (term | english | abbreviation | chinese | definition)")
    for i, (stem, a) in enumerate(rng.sample(found, min(size, len(found))), 1):
        fields = f"{a.term} | {a.english} | {a.abbreviation} | {a.chinese} | {a.definition[:40]}"
        print(f"P{i:03d} {stem} :: {a.raw[:90]}\n      → {fields}")
    print("\n# Recall sample: loose candidate spots and what was extracted on that line")
    for i, (stem, context, annotations) in enumerate(rng.sample(spots, min(size, len(spots))), 1):
        print(f"R{i:03d} {stem} :: {context}\n      → {[a.term for a in annotations]}")


if __name__ == "__main__":
    main()
