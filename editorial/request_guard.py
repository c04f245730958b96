"""Refuse, before anything reads them, addresses no page can have.

A NUL byte (``%00``) in a path or query reached PostgreSQL, which cannot hold one in a
string, and the database error was answered as an outage (503) with a traceback logged.
No slug, tag, filter or search term contains one, so it is a bad request.
"""

from django.http import HttpResponseBadRequest


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _nul_in(request.GET):
            return HttpResponseBadRequest("A NUL byte cannot be part of an address.", content_type="text/plain")
        return self.get_response(request)


def _nul_in(query):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())
