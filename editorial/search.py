"""Full-text search for Chinese and English, the same on SQLite and PostgreSQL.

Text is tokenised in Python: each run of Chinese characters becomes its overlapping
bigrams (算力 → 算力; 向量数据库 → 向量 量数 数据 据库) plus the run's last character alone,
and Latin words are lower-cased. The tokens, space-separated, are indexed by FTS5 on
SQLite and by a GIN index over a stored ``to_tsvector('simple', …)`` on PostgreSQL
(migration 0006). A query term becomes a phrase of its bigrams, so 向量数据库 matches
only where the five characters stand together; a one-character term matches as a
prefix. Terms are ANDed; ``exact`` makes the whole query one phrase. Visibility is not
indexed: results are always intersected with ``Post.objects.listed()``.
"""

import html
import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from . import originals

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+")
BRACKETS = str.maketrans(dict.fromkeys("《》【】「」『』〈〉“”\"'（）()", " "))
TITLE_WEIGHT = 3  # title tokens are indexed three times, so title matches rank first


def tokens(text):
    """Index tokens for a text: CJK bigrams (and each run's last character), Latin words."""
    out = []
    for match in TOKEN.finditer(text or ""):
        run = match.group(0)
        if CJK_RUN.fullmatch(run):
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
            out.append(run[-1])
        else:
            out.append(run.lower())
    return out


def document_tokens(*, titles, summaries, people, body, body_en=""):
    """What a post is found by: titles (weighted), summaries, speaker/guest, the Chinese text,
    the originals and any English body — as one space-separated token string."""
    parsed = originals.parse(body or "")
    title = " ".join(filter(None, titles))
    parts = [title] * TITLE_WEIGHT + [*filter(None, summaries), *filter(None, people), parsed.chinese]
    parts += [o.text for o in parsed.originals] + [body_en or ""]
    return " ".join(tokens("\n".join(parts)))


def post_tokens(post):
    return document_tokens(
        titles=[post.title_zh_hans, post.title_en],
        summaries=[post.summary_zh_hans, post.summary_en],
        people=[post.speaker, post.guest],
        body=post.body_zh_hans,
        body_en=post.body_en,
    )


def index_post(post, tokens_=None, *, created=False):
    """Store the post's search tokens (its FTS row follows through the database).
    ``created``: the post is new, so it has no tokens yet (one INSERT, no look-up)."""
    from .models import SearchDocument

    tokens_ = tokens_ or post_tokens(post)
    if created:
        SearchDocument.objects.create(post=post, tokens=tokens_)
    else:
        SearchDocument.objects.update_or_create(post=post, defaults={"tokens": tokens_})


# What one query may ask: a word repeated 600 times cost SQLite 19.5 s (its phrases are matched
# one against another), so repeats count once and words past these limits are left out, saying so.
MAX_QUERY_CHARS = 200
MAX_TERMS = 10


@dataclass
class Query:
    text: str
    exact: bool = False
    terms: list = field(default_factory=list)  # each term: list of tokens forming a phrase
    pieces: list = field(default_factory=list)  # the words searched for, as the user typed them
    shortened: bool = False  # words past MAX_TERMS or text past MAX_QUERY_CHARS were left out

    @classmethod
    def parse(cls, text, *, exact=False):
        cleaned = (text or "").translate(BRACKETS).strip()
        shortened = len(cleaned) > MAX_QUERY_CHARS
        cleaned = cleaned[:MAX_QUERY_CHARS]
        pieces, terms, seen = [], [], set()
        for piece in [cleaned] if exact else cleaned.split():
            found = []
            for match in TOKEN.finditer(piece):
                run = match.group(0)
                if CJK_RUN.fullmatch(run):
                    found.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
                else:
                    found.append(run.lower())
            if not found or tuple(found) in seen:
                continue  # nothing to find, or the same word again: it narrows nothing
            if len(terms) == MAX_TERMS:
                shortened = True
                break
            seen.add(tuple(found))
            pieces.append(piece)
            terms.append(found)
        return cls(text=cleaned, exact=exact, terms=terms, pieces=pieces, shortened=shortened)

    @property
    def words(self):
        """The user's words, for highlighting."""
        return list(self.pieces)


def ranked_ids(query, among=None):
    """[(post id, score)] best first, for every indexed post matching all terms, among the
    posts of the queryset ``among`` (a subquery, so no list of ids ever leaves the database)."""
    if not query.terms:
        return []
    within, params = ("", [])
    if among is not None:
        sql, params = among.order_by().values("pk").query.sql_with_params()
        within = f" AND {{column}} IN ({sql})"
    if connection.vendor == "postgresql":
        return _postgresql(query, within.format(column="d.post_id"), list(params))
    return _sqlite(query, within.format(column="rowid"), list(params))


def _fts5_phrase(term):
    if len(term) == 1 and CJK_RUN.fullmatch(term[0]) and len(term[0]) == 1:
        return f'"{term[0]}"*'
    return '"' + " ".join(t.replace('"', "") for t in term) + '"'


def matching(query):
    """The posts, of any status, matching all of the query's terms, as a value for ``pk__in``
    (the admin's search over bodies). On SQLite a subquery: no list of ids in Python. On
    PostgreSQL the ids themselves (at most one per post), matched through the GIN index: as a
    subquery the planner read every document's out-of-line tsvector instead, 400-500 ms on the
    whole real site for 模型, three times a page (see _postgresql)."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(*_postgresql_match(query))
            return [row[0] for row in cursor.fetchall()]
    sql = "SELECT rowid FROM editorial_search_fts WHERE editorial_search_fts MATCH %s"
    return RawSQL(sql, [_fts5_match(query)])  # noqa: S611 - fixed SQL, the terms as parameters


def _fts5_match(query):
    return " AND ".join(_fts5_phrase(term) for term in query.terms)


def _tsquery(query):
    return " & ".join(_tsquery_phrase(term) for term in query.terms)


def _sqlite(query, within, params):
    match = _fts5_match(query)
    # Matched and ranked by FTS5 first (MATERIALIZED: never flattened into the outer query);
    # only then kept to ``among`` (an IN on the FTS table itself would make FTS5 look each
    # candidate up one by one). Every match counts: a cap of 5,000 made "AI" report 4,996.
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH matched AS MATERIALIZED (SELECT rowid, bm25(editorial_search_fts) AS score "  # noqa: S608
            "FROM editorial_search_fts WHERE editorial_search_fts MATCH %s) "
            f"SELECT rowid, score FROM matched WHERE 1 = 1{within} ORDER BY score",  # within: compiled by Django
            [match, *params],
        )
        return [(post_id, -score) for post_id, score in cursor.fetchall()]


def _tsquery_phrase(term):
    if len(term) == 1 and CJK_RUN.fullmatch(term[0]) and len(term[0]) == 1:
        return f"{term[0]}:*"
    return "(" + " <-> ".join(_words(term)) + ")"


def _words(term):
    return [w for w in (re.sub(r"[^\w]", "", t) for t in term) if w]


def _postgresql_match(query):
    """(SQL, parameters): the ids of the documents that hold every term, through the GIN index.

    A tsvector keeps no position past 16,383: every later word is put there, so a phrase
    further into a long talk never matched (5 of the 59 posts with 向量数据库 on the whole real
    site). A phrase is therefore matched by its positions first, and then, among the documents
    holding all its tokens that did not match so (a few), by its tokens standing together in
    the stored token text, which has no such limit."""
    parts, params = [], []
    for term in query.terms:
        phrase = _tsquery_phrase(term)
        if len(term) == 1:
            parts.append("SELECT post_id FROM editorial_searchdocument WHERE vector @@ to_tsquery('simple', %s)")
            params.append(phrase)
            continue
        words = _words(term)
        parts.append(
            "SELECT post_id FROM (WITH near AS MATERIALIZED (SELECT post_id FROM editorial_searchdocument "
            "WHERE vector @@ to_tsquery('simple', %s)) SELECT post_id FROM near UNION ALL "
            "SELECT d.post_id FROM editorial_searchdocument d WHERE d.post_id IN ("
            "SELECT post_id FROM editorial_searchdocument WHERE vector @@ to_tsquery('simple', %s) "
            "EXCEPT SELECT post_id FROM near) AND strpos(' ' || d.tokens || ' ', %s) > 0) AS phrase"
        )
        params += [phrase, " & ".join(words), f" {' '.join(words)} "]
    return " INTERSECT ".join(parts), params


def _postgresql(query, within, params):
    # Matched through the GIN indexes (_postgresql_match), then ranked by the head (titles,
    # summaries, people: migration 0010), newest first among equals. The planner costs a scan
    # of the documents as cheap (their tsvectors live out of line, in TOAST, which it does not
    # count) and skipped the index: on the whole site 286 ms for 模 against 4 ms through it.
    # So the matching runs alone (MATERIALIZED), with sequential scans off for this statement.
    match, match_params = _postgresql_match(query)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"WITH matched AS MATERIALIZED ({match}) "  # noqa: S608 - as in _sqlite
            "SELECT d.post_id, ts_rank_cd(d.head, to_tsquery('simple', %s)) AS score "
            "FROM matched m JOIN editorial_searchdocument d ON d.post_id = m.post_id "
            f"JOIN editorial_post p ON p.id = d.post_id WHERE 1 = 1{within} "
            "ORDER BY score DESC, p.published_at DESC, d.post_id",  # every match: no cap on the count
            [*match_params, _tsquery(query), *params],
        )
        return cursor.fetchall()


def passages(post, query, limit=3, width=70):
    """Up to ``limit`` highlighted passages of the post's Chinese text that match the query."""
    words = [w for w in query.words if w]
    if not words:
        return []
    text = originals.parse(post.body_zh_hans or "").chinese
    found = []
    for paragraph in re.split(r"\n\s*\n", text):
        plain = re.sub(r"[*#>`_]+", "", paragraph).strip()
        lower = plain.lower()
        positions = [lower.find(w.lower()) for w in words]
        if not plain or min(positions) < 0:
            continue
        start = max(0, positions[0] - width // 2)
        found.append(highlight(("…" if start else "") + plain[start : start + width * 2], words))
        if len(found) >= limit:
            break
    return found


def highlight(text, words):
    """Escape the text and wrap each occurrence of a word in <mark>."""
    escaped = html.escape(text)
    pattern = "|".join(re.escape(w) for w in sorted({html.escape(w) for w in words}, key=len, reverse=True))
    return re.sub(pattern, lambda m: f"<mark>{m.group(0)}</mark>", escaped, flags=re.I) if pattern else escaped
