"""The address of the client a request came from, behind the proxies we run in front of the app.

Behind nginx every request arrives from nginx's own address, so the login throttle (axes)
saw one client: five wrong passwords from anywhere locked out every editor (#18 point 6).
``EDITORIAL_TRUSTED_PROXIES`` says how many proxies of ours stand in front (nginx alone: 1).
Each appends the address it received the request from to ``X-Forwarded-For``, so the client
is the entry that many places from the right; entries further left were written by the
client and prove nothing. With no trusted proxies, or a header shorter than that (the
request did not come through them), the socket's own address is the client.

Written here rather than taken from python-ipware: its ``proxy_count`` counts proxies inside
the header and answered None for nginx's one-entry header, and the rule is the five lines below.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.EDITORIAL_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:  # not an address: our proxy did not write it
        return remote
