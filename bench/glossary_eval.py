#!/usr/bin/env python
"""Glossary on the real corpus: entry statistics, and a seeded sample to check by hand.

    .venv/bin/python bench/glossary_eval.py [--sample 200] [--seed 7] [CORPUS_DIR ...]

Imports the corpus into a temporary SQLite database and prints: entries created,
entries used by 2+ posts, entries flagged for review. Then prints a reproducible
random sample of extracted annotations (for precision) and of candidate spots
found by a deliberately loose pattern, ``**…**`` right before a parenthesis or a
bold term inside one (for recall), each with what the extractor made of it.
docs/glossary-evaluation.md records the hand-checked verdicts.
"""

import argparse
import os
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LOOSE = re.compile(r"\*\*[^*\n]{1,80}\*\*\s?[（(]|[（(]\*\*[^*\n]{1,80}\*\*|\*\*[^*\n]{1,60}[（(][^*\n]{1,60}[）)]\*\*")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="*")
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    corpus = [Path(p) for p in args.corpus] or [
        ROOT.parent / "shared/corpus/notes",
        ROOT.parent / "shared/corpus/newer",
    ]
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/eval.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from editorial import originals
    from editorial.glossary import extract
    from editorial.models import GlossaryEntry, GlossaryUse, GlossaryVariant

    call_command("migrate", verbosity=0)
    call_command("import_markdown", *map(str, corpus), verbosity=0)
    entries = GlossaryEntry.objects.annotate(n=Count("uses"))
    print(
        f"entries: {entries.count()}; used by 2+ posts: {entries.filter(n__gte=2).count()}; "
        f"flagged for review: {GlossaryEntry.objects.needs_review().count()}; "
        f"uses: {GlossaryUse.objects.count()}; variants: {GlossaryVariant.objects.count()}"
    )

    files = sorted(p for folder in corpus for p in folder.glob("*.md"))
    found, spots = [], []
    for path in files:
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        chinese = originals.parse(body).chinese
        for annotation in extract(body):
            found.append((path.stem, annotation))
        for line in chinese.split("\n"):
            for m in LOOSE.finditer(line):
                spots.append((path.stem, line[max(0, m.start() - 12) : m.end() + 40], list(extract(line))))
    print(f"annotations extracted: {len(found)}; loose candidate spots: {len(spots)}")
    rng = random.Random(args.seed)
    print("\n# Precision sample: extracted annotations (term | english | abbreviation | chinese | definition)")
    for i, (stem, a) in enumerate(rng.sample(found, min(args.sample, len(found))), 1):
        fields = f"{a.term} | {a.english} | {a.abbreviation} | {a.chinese} | {a.definition[:40]}"
        print(f"P{i:03d} {stem} :: {a.raw[:90]}\n      → {fields}")
    print("\n# Recall sample: loose candidate spots and what was extracted on that line")
    for i, (stem, context, annotations) in enumerate(rng.sample(spots, min(args.sample, len(spots))), 1):
        terms = [a.term for a in annotations]
        print(f"R{i:03d} {stem} :: {context}\n      → {terms}")


if __name__ == "__main__":
    main()
