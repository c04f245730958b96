"""Markdown → safe HTML: Chinese headings, original blocks, and nothing executable."""

from django.test import SimpleTestCase

from editorial.rendering import render_body

from .hostile import inspect


class RenderingTests(SimpleTestCase):
    def test_chinese_headings_get_readable_ids(self):
        self.assertHTMLEqual(render_body("### 宏观经济展望"), '<h3 id="宏观经济展望">宏观经济展望</h3>')

    def test_original_block_becomes_a_labelled_disclosure(self):
        body = (
            "**Host:** 你好。\n<details>\n<summary>View/Hide Original English</summary>\n"
            '<p class="english-text">Hello &amp; welcome.<br>>> Thanks.</p>\n</details>\n'
        )
        self.assertHTMLEqual(
            render_body(body),
            "<p><strong>Host:</strong> 你好。</p>"
            '<details class="original" data-original="en" lang="en"><summary>英文原文</summary>'
            '<div class="original-text">Hello &amp; welcome.<br>&gt;&gt; Thanks.</div></details>',
        )
        self.assertIn("<summary>Original English</summary>", render_body(body, "en"))

    def test_chinese_original_is_shown_without_a_toggle(self):
        body = '中文。\n<details>\n<summary>View/Hide Original Chinese</summary>\n<p class="english-text">原话</p>\n</details>\n'
        html = render_body(body)
        self.assertIn('<div class="original original-chinese" data-original="zh" lang="zh-Hans">', html)
        self.assertNotIn("<details", html)

    def test_markdown_original_is_rendered_as_markdown(self):
        body = "中文。\n\n<details>\n<summary>Original English</summary>\n\n**Host**: Hi.\n\n</details>\n"
        self.assertIn("<p><strong>Host</strong>: Hi.</p>", render_body(body))

    def test_caption_speaker_marker_is_not_a_blockquote(self):
        self.assertHTMLEqual(render_body(">> 你好。"), "<p>&gt;&gt; 你好。</p>")
        self.assertHTMLEqual(render_body("> 引用"), "<blockquote><p>引用</p></blockquote>")

    def test_tables_and_code(self):
        html = render_body("| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nx < y\n```\n")
        self.assertIn("<table>", html)
        self.assertIn("<pre><code>x &lt; y\n</code></pre>", html)

    def test_a_raw_text_tag_left_open_does_not_swallow_the_rest(self):
        html = render_body("第一段 <style> 或 <script>\n\n第二段还在。\n\n<textarea>\n\n第三段也在。")
        found, text = inspect(html)
        self.assertEqual(found, [])
        for kept in ("第一段", "<style>", "<script>", "第二段还在。", "第三段也在。"):
            self.assertIn(kept, text)

    def test_nothing_executable_survives(self):
        hostile = [
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            "[x](javascript:alert(1))",
            '<a href="JaVaScRiPt:alert(1)">x</a>',
            "<iframe src='https://evil.example'></iframe>",
            '<svg onload="alert(1)"></svg>',
            '<p style="background:url(javascript:alert(1))">x</p>',
            '<details open ontoggle="alert(1)"><summary>x</summary></details>',
        ]
        for payload in hostile:
            with self.subTest(payload=payload):
                found, text = inspect(render_body("正文 " + payload))
                self.assertEqual(found, [])
                self.assertIn("正文", text)

    def test_hostile_original_text_is_neutralised(self):
        body = (
            '中文。\n<details>\n<summary>View/Hide Original English</summary>\n<p class="english-text">'
            '<img src=x onerror=alert(1)>Hi <a href="javascript:alert(1)">x</a></p>\n</details>\n'
        )
        html = render_body(body)
        self.assertNotIn("onerror", html)
        self.assertNotIn("javascript:", html)
        self.assertIn("Hi", html)
