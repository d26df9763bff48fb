"""AVIF written by SVT-AV1 (libavif's, from pillow-avif-plugin): the fast AVIF encoder.

:func:`directus_assets.encoding.svt_arguments` says when and how; this writes the bytes.
Pure: a Pillow image in, bytes out.
"""

from __future__ import annotations

import io
import os
from typing import Any

from PIL import Image
from pillow_avif import AvifImagePlugin

# SVT-AV1 prints its configuration to stderr on every encode; errors alone, unless the site
# asked for more.
os.environ.setdefault("SVT_LOG", "1")


def save(image: Image.Image, arguments: dict[str, Any], icc_profile: bytes | None) -> bytes:
    """``image`` as AVIF with ``arguments`` (pillow-avif-plugin's), metadata stripped but
    for the ICC profile (as libvips' savers are told)."""
    # The plugin's own saver, called as Image.save calls it: importing pillow_avif registers
    # it for "AVIF", but Pillow's own AVIF plugin (libaom alone) may register over it later.
    image.encoderinfo = {**arguments, "icc_profile": icc_profile or b"", "exif": b"", "xmp": b""}
    image.encoderconfig = ()
    buffer = io.BytesIO()
    AvifImagePlugin._save(image, buffer, "")
    return buffer.getvalue()
