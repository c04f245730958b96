"""Long writers leave room between their transactions for an editor's save.

On SQLite one connection writes at a time, and a waiting writer is not queued: it polls every
100 ms. An import that commits a batch and begins the next at once kept an editor's save
waiting through every gap until its 20 s timeout ran out ("database is locked", a 503 for
the editor; bench/faults.py). Called after each transaction of a long run,
``let_others_write`` pauses a little longer than one poll once every ``EVERY_SECONDS`` (so a
long run slows by at most GAP / EVERY, 7.5%). PostgreSQL locks rows, not the database: no pause.
"""

import time

from django.db import connection

GAP_SECONDS = 0.15
EVERY_SECONDS = 2.0
_last = [0.0]


def let_others_write():
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    now = time.monotonic()
    if now - _last[0] >= EVERY_SECONDS:
        time.sleep(GAP_SECONDS)
        _last[0] = time.monotonic()
