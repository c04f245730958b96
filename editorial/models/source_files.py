"""An item's imported file, kept without a second copy of its body (``Post.source_file``).

Most imported files end with exactly the body the item was imported with (on the users' whole
site 8,114 of 8,865; the others had blocks repaired for rendering, or CRLF line endings).
Until that body is edited, such a file is kept *short*: a marker byte and its front matter,
zlib-compressed, the body being the item's own. Kept whole, the files took 130 MB on the whole
site; short, 25 MB.

``Post.save`` keeps the rule: the first save that changes the body of an item whose file is
short writes the file whole again, with the body read back from the database (what the file
ended with); a file assigned whole (an import) is made short when it ends with the new body.
``whole`` gives the file's bytes back in either form.
"""

import zlib

SHORT = b"\x00"  # a zlib stream starts with 0x78: the two forms never meet
LEVEL = 6


def is_short(stored):
    return bool(stored) and bytes(stored[:1]) == SHORT


def whole(stored, body):
    """The file's bytes, from what ``source_file`` holds and the item's stored body."""
    stored = bytes(stored)
    if is_short(stored):
        return zlib.decompress(stored[1:]) + (body or "").encode("utf-8")
    return zlib.decompress(stored)


def shortened(stored, body):
    """The short form of a whole stored file ending with ``body``; None when it does not."""
    data = zlib.decompress(bytes(stored))
    tail = (body or "").encode("utf-8")
    if not data.endswith(tail):
        return None
    return SHORT + zlib.compress(data[: len(data) - len(tail)], LEVEL)


def made_whole(stored, body):
    """The whole form (compressed) of a short stored file whose item's body was ``body``."""
    return zlib.compress(whole(stored, body), LEVEL)
