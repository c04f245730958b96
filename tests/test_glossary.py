"""Extraction of inline definitions: every variant of REPORT.md §3.1 seen 40+ times, and what is not a term."""

import pytest

from editorial.glossary import Annotation, extract, keys, normalize

# (variant in REPORT.md §3.1, text, expected (term, english, abbreviation, chinese, definition))
VARIANTS = [
    ("full-width parens, ASCII colon", "**蒸腾作用**（Transpiration: 植物散失水分的过程）",
     ("蒸腾作用", "Transpiration", "", "", "植物散失水分的过程")),
    ("full-width colon", "**LED**（Light Emitting Diode：发光二极管）",
     ("LED", "Light Emitting Diode", "LED", "", "发光二极管")),
    ("Latin term, Chinese definition, no colon", "**Vorso**（一家专业陀螺制造商）",
     ("Vorso", "Vorso", "", "", "一家专业陀螺制造商")),
    ("English only", "**有损压缩**（Lossy Compression）", ("有损压缩", "Lossy Compression", "", "", "")),
    ("abbreviation only", "**先存储后解密**（SNDL）", ("先存储后解密", "", "SNDL", "", "")),
    ("Latin term, English expansion: Chinese", "**AGI**（Artificial General Intelligence: 通用人工智能）",
     ("AGI", "Artificial General Intelligence", "AGI", "", "通用人工智能")),
    ("term mixes CJK and Latin", "**N型半导体**（N-type semiconductor：主要通过电子导电的半导体）",
     ("N型半导体", "N-type semiconductor", "", "", "主要通过电子导电的半导体")),
    ("label before colon is Chinese", "**Hutter Prize**（赫特奖：一个无损文本压缩竞赛）",
     ("Hutter Prize", "Hutter Prize", "", "赫特奖", "一个无损文本压缩竞赛")),
    ("two colons", "**人工智能**（AI: Artificial Intelligence: 模拟人类智能的机器系统）",
     ("人工智能", "Artificial Intelligence", "AI", "", "模拟人类智能的机器系统")),
    ("bold inside the parenthesis", "挪威主权财富基金（**Norges Bank Investment Management**: 管理养老基金）",
     ("挪威主权财富基金", "Norges Bank Investment Management", "", "", "管理养老基金")),
    ("ABBR: Full English，中文定义", "**首席执行官**（CEO: Chief Executive Officer，公司最高行政职位）",
     ("首席执行官", "Chief Executive Officer", "CEO", "", "公司最高行政职位")),
    ("English: English definition", "**先存储后解密**（SNDL: Store Now, Decrypt Later）",
     ("先存储后解密", "Store Now, Decrypt Later", "SNDL", "", "")),
    ("nested parentheses", "**外部性**（Externalities: 对第三方的影响，可以是积极的（正外部性）也可以是消极的）",
     ("外部性", "Externalities", "", "", "对第三方的影响，可以是积极的（正外部性）也可以是消极的")),
    ("nested parentheses in the name", "**安全超级智能公司**（Safe Super Intelligence (SSI): 由Ilia Sutskever创立）",
     ("安全超级智能公司", "Safe Super Intelligence", "SSI", "", "由Ilia Sutskever创立")),
    ("English inside the bold", "**第一级（Level One）**", ("第一级", "Level One", "", "", "")),
    ("Chinese definition only", "**中文Veritasium**（Veritasium的中文版本）",
     ("中文Veritasium", "", "", "", "Veritasium的中文版本")),
    ("Latin term, English only", "**RAG**（Retrieval Augmented Generation）",
     ("RAG", "Retrieval Augmented Generation", "RAG", "", "")),
    ("dash form", "**现代货币理论**（Modern Monetary Theory - MMT: 强调财政空间）",
     ("现代货币理论", "Modern Monetary Theory", "MMT", "", "强调财政空间")),
    ("space between ** and half-width paren", "**稳定币** (Stablecoin: 与美元挂钩的加密货币)",
     ("稳定币", "Stablecoin", "", "", "与美元挂钩的加密货币")),
    ("English, abbreviation with a comma", "**大型语言模型**（Large Language Models, LLMs: 基于深度学习的模型）",
     ("大型语言模型", "Large Language Models", "LLMs", "", "基于深度学习的模型")),
    ("leaked template placeholder", "**罗马斗兽场**（English Full Name: Colosseum，位于罗马的竞技场）",
     ("罗马斗兽场", "Colosseum", "", "", "位于罗马的竞技场")),
]  # fmt: skip


@pytest.mark.parametrize("name, text, expected", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_every_common_variant_is_understood(name, text, expected):
    (annotation,) = extract(f"前文，{text}，后文。")
    got = (annotation.term, annotation.english, annotation.abbreviation, annotation.chinese, annotation.definition)
    assert got == expected


@pytest.mark.parametrize(
    "text",
    [
        "**Nicola Tangan:** 大家好，我是主持人。",
        "**主持人：** 欢迎收听。",
        "**Jack Rae**: 接收者并没有接收神经网络。",
        "这一点**非常重要**，请记住。",
        "**注意**后面没有括号。",
        "**一半的粗体（没有闭合",
    ],
)
def test_speaker_lines_and_plain_emphasis_are_not_terms(text):
    assert extract(text) == []


def test_several_definitions_on_a_line_and_inside_speaker_lines():
    text = "**Host:** 我们谈谈**令牌**（Token: 文本的最小单位）和**词表**（Vocabulary）。"
    assert [a.term for a in extract(text)] == ["令牌", "词表"]


def test_original_language_blocks_are_not_scanned():
    body = (
        "**令牌**（Token: 单位）\n<details>\n<summary>View/Hide Original English</summary>\n"
        '<p class="english-text">**Fake**（not a term）</p>\n</details>\n'
    )
    assert [a.term for a in extract(body)] == ["令牌"]


def test_raw_annotation_is_kept():
    (annotation,) = extract("说到**令牌**（Token: 单位）时")
    assert annotation.raw == "**令牌**（Token: 单位）"


@pytest.mark.parametrize(
    "a, b",
    [
        ("Large Language Models", "large language model"),
        ("LLMs", "LLM"),
        ("ＡＩ", "AI"),  # full-width letters (NFKC)
        ("大型 语言模型", "大型语言模型"),
        ("Capital-Expenditure", "capital expenditure"),
        ("companies", "company"),
    ],
)
def test_normalisation_makes_spellings_match(a, b):
    assert normalize(a) == normalize(b)


def test_keys_most_specific_first_without_duplicates():
    annotation = Annotation(term="大型语言模型", english="Large Language Models", abbreviation="LLMs")
    assert keys(annotation) == ["大型语言模型", "largelanguagemodel", "llm"]
    assert keys(Annotation(term="RAG", english="RAG")) == ["rag"]
