"""Inline glossary definitions: find them in a post body, normalise terms for matching.

Our users define terms inline, in about fifteen shapes (REPORT.md section 3.1)::

    **令牌**（Token: 在自然语言处理中，是文本的最小有意义单位）
    **人工智能**（AI: Artificial Intelligence: 模拟人类智能的机器系统）
    **首席执行官**（CEO: Chief Executive Officer，公司最高行政职位）
    **AGI**（Artificial General Intelligence: 通用人工智能……）
    **Hutter Prize**（赫特奖：一个著名的无损文本压缩竞赛）
    **大型语言模型**（Large Language Models, LLMs: ……）
    **现代货币理论**（Modern Monetary Theory - MMT: ……）
    **稳定币** (Stablecoin: ……)                       half-width, with a space
    挪威主权财富基金（**Norges Bank Investment Management**: ……）   the bold inside
    **第一级（Level One）**                              the English inside the bold

``extract`` returns one ``Annotation`` per definition, with the term, its English,
abbreviation and definition separated. Speaker labels (``**Name:**``) and bold text
with no parenthesis after it are not terms. Everything here is pure: text in, data out.
"""

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass

from . import originals


@dataclass(frozen=True)
class Annotation:
    term: str  # the defined term as bolded in the text (Chinese or Latin)
    english: str = ""  # the English name or expansion
    abbreviation: str = ""
    chinese: str = ""  # a Chinese name given for a Latin term (**Hutter Prize**（赫特奖：…）)
    definition: str = ""
    raw: str = ""  # the annotation as written

    @property
    def display_term(self):
        return self.chinese or self.term


OPEN = "（("
CLOSE = {"（": "）", "(": ")"}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
# A bold span that may be a defined term: no newline, no nested bold, at most 80 characters.
BOLD = re.compile(r"\*\*(?P<term>[^*\n]{1,80}?)\*\*(?P<gap>[ \t]?)")
# 术语（**ABBR**: …）: the bold inside the parenthesis.
BOLD_INSIDE = re.compile(r"(?P<before>[^\s（(]{1,40})（\*\*(?P<inner>[^*\n]{1,80}?)\*\*")
COLON = re.compile(r"[:：]")
# Two capitals (or digits/&) in a short word: AI, LLMs, S&P, GPT-4. A lowercase short word
# ("capex") is an abbreviation only beside a longer English name.
_ABBREVIATION_SHAPE = re.compile(r"^(?=.*[A-Z].*[A-Z0-9&])[A-Za-z0-9&.\-/+ ]{2,12}$")


class _Abbreviation:
    """Mostly capitals in a short word: AI, LLMs, S&P, GPT-4, NBIM; not MarketWatch or OpenAI."""

    @staticmethod
    def match(name):
        if not name or not _ABBREVIATION_SHAPE.match(name) or " " in name.strip():
            return False
        letters = [c for c in name if c.isalpha()]
        capitals = sum(c.isupper() for c in letters)
        return capitals * 2 > len(letters) or (len(letters) <= 4 and capitals >= 2)


ABBREVIATION = _Abbreviation()
PLACEHOLDER_LABELS = {"english full name", "english name", "full name", "english"}
# Words that start a clause rather than a name: "因为标普500指数（**S&P 500**…）" defines 标普500指数.
CLAUSE_START = re.compile(
    r"^(?:因为|所以|但是|而且|并且|如果|虽然|他们|我们|你们|它们|大家|他|她|它|这个|那个|这|那|提到了|提到|谈到|例如|比如"
    r"|包括|像是|其中|还有|以及|作为|通过|根据|关于|对于|也就是|就是|我是|这是|即|由|被|对|在|和|与|及|的|了|是|像|如"
    r"|把|将|从|以|为|让|给|跟|说|称|叫做|叫)"
)


def extract(body):
    """Every inline definition in a post body (its Chinese text; originals are skipped)."""
    text = originals.parse(body).chinese if "<details" in body else body
    found = []
    for line in text.split("\n"):
        if "**" in line:
            found.extend(_from_line(line))
    return found


def _from_line(line):
    """The definitions in one line, in time linear in its length (a 64 KB line of ``**a**（``
    took 47 s when each open bracket was matched by scanning the rest of the line)."""
    found, taken = [], []
    closers = _Closers(line)
    for m in BOLD.finditer(line):
        term = m.group("term").strip()
        end = m.end()
        if end < len(line) and line[end] in OPEN and term and not term.endswith((":", "：")):
            content, close = _balanced(line, end, closers)
            if content is not None and content.strip():
                found.append(_annotation(term, content, line[m.start() : close + 1]))
                taken.append((m.start(), close + 1))
                continue
        inner = re.fullmatch(r"(?P<term>[^（(]+?)\s*[（(](?P<content>.+)[）)]", term)
        inner_is_term = inner and (
            CJK.search(inner.group("term") + inner.group("content")) or ABBREVIATION.match(inner.group("content"))
        )
        if inner_is_term and not term.endswith((":", "：")):
            # **术语（English）**: the English (and maybe more) inside the bold.
            found.append(_annotation(inner.group("term").strip(), inner.group("content"), m.group(0).strip()))
            taken.append((m.start(), m.end()))
    starts = [start for start, _stop in taken]  # in order
    reach = list(itertools.accumulate((stop for _start, stop in taken), max))  # spans may nest
    for m in BOLD_INSIDE.finditer(line):
        before = bisect.bisect_right(starts, m.start("inner")) - 1
        if before >= 0 and m.start("inner") < reach[before]:
            continue  # inside a definition found above
        start = m.start("inner") - 3  # the "（**"
        content, close = _balanced(line, start, closers)
        if content is None:
            continue
        before = _term_before(m.group("before"))
        inner = m.group("inner").strip()
        rest = content[len(inner) + 4 :]  # after "**inner**"
        if rest.strip() and not COLON.match(rest.strip()[:1]):
            continue
        raw = m.group("before") + line[start : close + 1]
        annotation = _annotation(inner, rest.strip()[1:] if rest.strip() else "", raw)
        if before and CJK.search(before) and not CJK.search(inner):
            # 术语（**ABBR**: Full name: 定义） or 术语（**English Name**: 定义）
            is_abbreviation = _is_abbreviation(inner)
            expansion = annotation.english if not same_key(annotation.english, inner) else ""
            annotation = Annotation(
                term=before,
                english=expansion or ("" if is_abbreviation else inner),
                abbreviation=inner if is_abbreviation else annotation.abbreviation,
                definition=annotation.definition,
                raw=annotation.raw,
            )
        found.append(annotation)
    return found


_PARENTHESIS = re.compile(r"[（()）]")


class _Closers(dict):
    """{index of an opening parenthesis: index of the one closing it} for a line, found in one
    pass over its parentheses the first time one is asked for."""

    def __init__(self, line):
        super().__init__()
        self.line, self.ready = line, False

    def find(self, start):
        if not self.ready:
            opened = []
            for m in _PARENTHESIS.finditer(self.line):
                if m.group() in "（(":
                    opened.append(m.start())
                elif opened:
                    self[opened.pop()] = m.start()
            self.ready = True
        return self.get(start)


def _balanced(line, start, closers):
    """(content, index of the closing bracket) for the parenthesis opening at ``start``."""
    close = closers.find(start)
    return (None, None) if close is None else (line[start + 1 : close], close)


CUE_WORDS = re.compile(
    r".*(?:意识到|确信|认为|觉得|知道|包括|比如|例如|就像|还是|当时|提到了|提到|以及|作为|通过|根据|关于|对于|也就是|就是)"
)
CUE_CHARS = re.compile(r".*[是的了到把被比去说给叫称]")


def _term_before(text):
    """The Chinese word right before a parenthesis: 格林斯潘 in "意识到格林斯潘（**Alan Greenspan**…）"."""
    title = re.search(r"《[^《》]{1,30}》$", text)
    if title:
        return title.group(0)
    run = re.split(r"[，。、；：！？“”‘’「」《》\s,.;!?\"']", text)[-1]
    run = CUE_WORDS.sub("", run)
    run = CUE_CHARS.sub("", run)
    previous = None
    while previous != run:
        previous, run = run, CLAUSE_START.sub("", run)
    run = re.sub(r"[的了]+$", "", run)
    return run if 1 <= len(run) <= 10 else ""


def _annotation(term, content, raw):
    """Split the parenthesis into English, abbreviation, Chinese name and definition."""
    content = content.strip()
    english = abbreviation = chinese = definition = ""
    latin_term = not CJK.search(term)
    parts = COLON.split(content, maxsplit=2)
    labels, definition = (parts[:-1], parts[-1].strip()) if len(parts) > 1 else ([], content)
    # "AI: Artificial Intelligence: 定义" has two labels; a CJK middle part is definition text.
    if len(labels) == 2 and CJK.search(labels[1]):
        definition = f"{labels[1]}：{definition}"
        labels = labels[:1]
    if not labels:
        if not CJK.search(content):
            labels, definition = [content], ""
        else:
            lead = re.match(r"^([A-Za-z][A-Za-z0-9 .&'\-/]*?)\s*[，,]\s*(.+)$", content)
            if lead and not latin_term:
                labels, definition = [lead.group(1)], lead.group(2)
    names = []
    for label in labels:
        label = label.strip()
        label = re.sub(r"^(?:英文|英语|English)\s*[:：]?\s*(?=[A-Za-z])", "", label)
        if label.lower() in PLACEHOLDER_LABELS:
            continue
        names.extend(_split_names(label))
    # "CEO: Chief Executive Officer，首席执行官，…": English leading the definition.
    lead = re.match(r"^([A-Za-z][A-Za-z0-9 .&'\-/]*[A-Za-z0-9])\s*[，,]\s*(.*)$", definition)
    only_abbreviation = len(names) == 1 and ABBREVIATION.match(names[0]) and " " not in names[0]
    if definition and not CJK.search(definition) and (only_abbreviation or not names) and labels:
        # **先存储后解密**（SNDL: Store Now, Decrypt Later）: the English after the label.
        names.append(definition)
        definition = ""
    elif lead and (only_abbreviation or not names) and (" " in lead.group(1) or not names):
        names.append(lead.group(1))
        definition = lead.group(2)
    latin = [n for n in names if not CJK.search(n)]
    if len(latin) == 2 and not any(_is_abbreviation(n) for n in latin):
        short, long_ = sorted(latin, key=len)
        if " " not in short and " " in long_ and len(short) <= 8:
            abbreviation = short  # "capex: Capital Expenditure"
            names = [n for n in names if n != short]
    for name in names:
        if CJK.search(name):
            chinese = chinese or name
        elif _is_abbreviation(name) and not (latin_term and not abbreviation and same_key(name, term)):
            abbreviation = abbreviation or name
        else:
            english = english or name
    if latin_term:
        # **AGI**（Artificial General Intelligence: …）: the bold Latin term is the abbreviation
        # when it is one; otherwise the term is itself the English name.
        if ABBREVIATION.match(term) and " " not in term and english and not abbreviation:
            abbreviation = term
        elif not english:
            english = term
    short = re.match(r"^(?:简称|缩写为?)\s*([A-Za-z][A-Za-z0-9&.\-]{1,11})\s*$", definition.strip())
    if short and not abbreviation:
        abbreviation, definition = short.group(1), ""  # "National Stock Exchange，简称 NSE"
    if abbreviation and english and same_key(abbreviation, english):
        abbreviation = ""
    return Annotation(term, english, abbreviation, chinese, definition.strip(), raw)


def _split_names(label):
    """ "Large Language Models, LLMs" / "Modern Monetary Theory - MMT" / "Safe Super Intelligence (SSI)"."""
    m = re.fullmatch(r"(.+?)\s*[（(]([^()（）]+)[）)]", label)
    if m:
        return [m.group(1).strip(), m.group(2).strip()]
    for separator in (", ", "，", " - ", " – "):
        if separator in label:
            pieces = [p.strip() for p in label.split(separator) if p.strip()]
            if len(pieces) == 2 and any(ABBREVIATION.match(p) and " " not in p for p in pieces):
                return pieces
    return [label]


def _is_abbreviation(name):
    return bool(ABBREVIATION.match(name)) and " " not in name


def same_key(a, b):
    return normalize(a) == normalize(b)


def normalize(text):
    """A matching key: NFKC, case-folded, spacing and punctuation removed, English plurals made singular."""
    text = unicodedata.normalize("NFKC", text or "").casefold().strip()
    words = re.findall(r"[a-z0-9]+|[^\sa-z0-9]", text)
    out = []
    for word in words:
        if word.isascii() and word.isalpha() and len(word) > 3:
            if word.endswith("ies"):
                word = word[:-3] + "y"
            elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
                word = word[:-1]
        if word.isalnum() or CJK.match(word):
            out.append(word)
    return "".join(out)


def keys(annotation):
    """The normalised keys an annotation can be matched on, most specific first."""
    candidates = [annotation.term, annotation.chinese, annotation.english, annotation.abbreviation]
    seen, result = set(), []
    for candidate in candidates:
        key = normalize(candidate)
        if key and key not in seen and len(key) >= 2:
            seen.add(key)
            result.append(key)
    return result


_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


def without_marks(text):
    """A definition as readers see it: Markdown's ``**bold**`` marks, which inline definitions
    keep from their post (823 of the whole site's entries), dropped; the words stay."""
    if not text or ("**" not in text and "__" not in text):
        return text
    return _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text).replace("**", "")
