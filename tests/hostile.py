"""Hostile input for the safety tests: XSS payloads, and a checker for what a page may contain.

``PAYLOADS`` covers script elements, event attributes, script URLs in every case and
encoding, SVG and MathML, broken and nested tags, entities, CSS, and Markdown's own link
and image forms. ``executable(html)`` lists whatever in a page could run a script.
"""

import json
import re
from html.parser import HTMLParser

PAYLOADS = [
    # script elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\x20type='text/javascript'>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    # event attributes
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<p class="english-text" onclick="alert(1)">click</p>',
    "<a href=x onclick=alert(1)>x</a>",
    '" onmouseover="alert(1)',
    "' autofocus onfocus='alert(1)",
    # script URLs in every case and encoding
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href="jav&#x09;ascript:alert(1)">link</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">link</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">link</a>',
    '<a href=" javascript:alert(1)">link</a>',
    '<a href="vbscript:msgbox(1)">link</a>',
    '<a href="VBScript:msgbox(1)">link</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">link</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # broken tags, entities, CSS
    "<img src=x onerror=alert(1)//",
    "<<script>alert(1);//<</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">css</div>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # Markdown's own forms
    "[link](javascript:alert(1))",
    "[link](JAVASCRIPT:alert(1))",
    "[link](<javascript:alert(1)>)",
    "[link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![image](javascript:alert(1))",
    '![image" onerror="alert(1)](x.png)',
    "[link][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
]

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite"}
_FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "frame", "frameset", "applet", "base", "svg", "math"}
_DATA_SCRIPTS = {"application/ld+json", "application/json"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


def _scheme(url):
    compact = re.sub(r"[\x00-\x20]", "", url).lower()
    match = _SCHEME.match(compact)
    return match.group(1) if match else ""


class _Checker(HTMLParser):
    def __init__(self, forbidden):
        super().__init__(convert_charrefs=True)
        self.forbidden = forbidden
        self.found = []
        self.text = []
        self._data_script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        where = self.getpos()
        if tag in self.forbidden:
            self.found.append(f"<{tag}> at {where}")
        if tag == "script":
            kind = (attributes.get("type") or "").lower()
            if kind in _DATA_SCRIPTS:
                self._data_script = []
            elif not re.match(r"/[^/]", attributes.get("src") or ""):
                self.found.append(f"inline or foreign script at {where}: {attrs}")
        if tag == "style":
            self.found.append(f"<style> element at {where}")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.found.append(f"meta refresh at {where}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"event attribute {name}= on <{tag}> at {where}")
            if name == "style":
                self.found.append(f"style attribute on <{tag}> at {where}")
            if name in _URL_ATTRIBUTES and value and _scheme(value) in ("javascript", "vbscript", "data"):
                self.found.append(f"{_scheme(value)}: URL in {name}= on <{tag}> at {where}")

    def handle_endtag(self, tag):
        if tag == "script" and self._data_script is not None:
            try:
                json.loads("".join(self._data_script))
            except ValueError:
                self.found.append("a JSON script block that is not JSON (broken out of?)")
            self._data_script = None

    def handle_data(self, data):
        if self._data_script is not None:
            self._data_script.append(data)
        else:
            self.text.append(data)


def inspect(html, *, own_svg=False):
    """(things that could run a script, the page's text) for an HTML document.

    ``own_svg``: the page has SVG icons of its own (the admin's), so <svg> alone is no finding.
    """
    checker = _Checker(_FORBIDDEN_ELEMENTS - {"svg"} if own_svg else _FORBIDDEN_ELEMENTS)
    checker.feed(html)
    checker.close()
    return checker.found, " ".join(checker.text)
