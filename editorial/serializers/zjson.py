"""Django's JSON serializer, compressed: the format of a post's stored revisions.

A post's revision holds its whole body in both languages; as plain JSON, the revisions
were the third-largest table. Stored as ``z:`` + base64 of zlib (its fastest level: saving a post stays quick),
they take about a third.
Registered as the format ``zjson`` (settings.SERIALIZATION_MODULES); each stored version
names its own format, so revisions written before as plain JSON still read.
"""

import base64
import zlib

from django.core.serializers import json

PREFIX = "z:"


class Serializer(json.Serializer):
    def getvalue(self):
        text = super().getvalue()
        return PREFIX + base64.b64encode(zlib.compress(text.encode("utf-8"), 1)).decode("ascii")


def Deserializer(stream_or_string, **options):  # noqa: N802 - the name Django looks for
    data = stream_or_string if isinstance(stream_or_string, (bytes, str)) else stream_or_string.read()
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    if data.startswith(PREFIX):
        data = zlib.decompress(base64.b64decode(data[len(PREFIX) :])).decode("utf-8")
    yield from json.Deserializer(data, **options)
