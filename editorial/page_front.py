"""A reader's page answered before Django runs: the last answer Django gave to the same request.

The page cache (editorial/middleware.py) answers from inside Django, after its handler, its
request signals and four middlewares have run: most of a cached hit's cost. This WSGI
wrapper (cms/wsgi.py) keeps, in each process, the final response (status, every header,
body) of each page the page cache served or stored, and replays it for a request that cannot
get another answer from Django:

* GET or HEAD of a public page (/zh/, /en/; never a preview), with no query string;
* no session cookie (a signed-in editor always reaches Django) and no conditional header
  (Django answers those with a 304);
* the same scheme, forwarded scheme, host, path and reading-mode cookies, which are its key.

Entries belong to one content generation, as the page cache's do: a change made in this
process is seen at once, one made elsewhere within EDITORIAL_PAGE_RECHECK_SECONDS. Each
expires when the page cache's entry it came from does, and they share that cache's bytes
(EDITORIAL_PAGE_MEMORY_BYTES). A response that sets a cookie or carries a CSP nonce is never
kept: it was meant for one request only.
"""

from django.conf import settings
from django.http.cookie import parse_cookie

from . import caching
from .middleware import PUBLIC_PREFIXES, HeldPages, reading_modes
from .static_site import BUILD_MARK

CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
# Everything Django builds a request's scheme, host and port from (absolute URLs, redirects).
ADDRESS_KEYS = (
    "wsgi.url_scheme", "HTTP_X_FORWARDED_PROTO", "HTTP_HOST", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
    "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME",
)  # fmt: skip
# Set by the page cache on the responses it served or stored: when its entry expires.
EXPIRY_ATTRIBUTE = "page_cache_expiry"


class PageFront:
    def __init__(self, application):
        self.application = application
        self.held = HeldPages(settings.EDITORIAL_PAGE_MEMORY_BYTES)
        self.recheck = settings.EDITORIAL_PAGE_RECHECK_SECONDS
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, environ, start_response):
        key = self.key(environ)
        if key is None:
            return self.application(environ, start_response)
        generation = caching.recent_generation(self.recheck)
        hit = self.held.get(generation, key)
        if hit is not None:
            status, body, headers, _expiry = hit
            start_response(status, list(headers))
            return [body]
        answer = {}

        def remember(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        response = self.application(environ, remember)
        expiry = getattr(response, EXPIRY_ATTRIBUTE, None)
        if expiry is not None and environ["REQUEST_METHOD"] == "GET" and self.keepable(answer):
            headers = [(name, "hit" if name == "X-Page-Cache" else value) for name, value in answer["headers"]]
            self.held.put(generation, key, (answer["status"], response.content, headers, expiry))
        return response

    def key(self, environ):
        """What the answer depends on, or None for a request Django must see."""
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or environ.get("QUERY_STRING")
            or not path.startswith(PUBLIC_PREFIXES)
            or "/preview/" in path
            or environ.get(BUILD_MARK)
            or any(name in environ for name in CONDITIONAL_HEADERS)
        ):
            return None
        modes = ()
        if cookie_header := environ.get("HTTP_COOKIE"):
            cookies = parse_cookie(cookie_header)  # as Django reads them, so both see one mode
            if self.session_cookie in cookies:
                return None
            modes = reading_modes(cookies)
        return (path, modes, *(environ.get(name) for name in ADDRESS_KEYS))

    @staticmethod
    def keepable(answer):
        if not answer.get("status", "").startswith("200 "):
            return False
        for name, value in answer["headers"]:
            lowered = name.lower()
            if lowered == "set-cookie" or (lowered.startswith("content-security-policy") and "'nonce-" in value):
                return False
        return True
