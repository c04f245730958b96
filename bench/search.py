#!/usr/bin/env python
"""Search latency at N posts: p50/p95/p99 of the whole search page, by kind of query.

    .venv/bin/python bench/search.py [--posts 10000] [--database sqlite|postgresql] [--repeat 5]
                                     [--database-url URL]   (an imported site instead of a seeded one)

Each query is one request through the whole stack (ranking, up to 10 results, highlighted
passages, the template), in-process, page cache bypassed. Target: p95 under 50 ms.
"""

import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

QUERIES = {
    "1 Chinese character": ["钱", "税", "美", "书", "药", "猫", "车", "房"],
    "2 Chinese characters": ["模型", "通胀", "利率", "芯片", "能源", "教育", "关税", "债务"],
    "3+ Chinese characters": [
        "人工智能",
        "美联储",
        "向量数据库",
        "强化学习",
        "大语言模型",
        "地缘政治",
        "供应链",
        "量化宽松",
    ],
    "English words": ["inflation", "transformer", "Nvidia", "tariff", "agents", "OpenAI", "bitcoin", "dollar"],
    "mixed": ["AI 芯片", "GPT 模型", "Fed 利率", "AI agent 创业", "Tesla 电动车", "LLM 推理", "Apple 手机", "中国 EV"],
    "no match": ["鑫鑫鑫鑫", "zyzzyvax", "犇犇 qqqzz", "𪚥", "xkcdxkcd", "龘龘", "qwertyuiop", "䨻䨻"],
}


def main():
    args = common.in_process_arguments(__doc__, repeat=5)
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/zh/search/?q=warm")
    from editorial.models import Post

    posts = Post.objects.count() if args.database_url else args.posts
    print(f"\n### Search: {args.database}, {posts} posts, {args.repeat} rounds of 8 queries per kind, "
          f"load average {os.getloadavg()[0]:.2f}\n")  # fmt: skip
    print("| query kind | examples | p50 ms | p95 ms | p99 ms | results (median) |")
    print("|---|---|---:|---:|---:|---:|")
    for kind, queries in QUERIES.items():
        times, counts = [], []
        for _ in range(args.repeat):
            for query in queries:
                started = time.perf_counter()
                response = client.get(f"/zh/search/?q={quote(query)}")
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
                found = re.search(r'role="status">[^<\d]*(\d+)', response.content.decode())
                counts.append(int(found.group(1)) if found else 0)
        row = [common.percentile(times, p) for p in (50, 95, 99)]
        examples = ", ".join(queries[:3])
        print(f"| {kind} | {examples} | {row[0]:.1f} | {row[1]:.1f} | {row[2]:.1f} | {common.median(counts):.0f} |")


if __name__ == "__main__":
    main()
