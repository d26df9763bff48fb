"""Make sure a thumbnail exists: resolve the spec, check its budget, then the cache renders
it once if needed, in a render process of its own.

Shared by the view, the pregeneration command and the background task, so they all use
the same budget, the same render function and the same cache.
"""

from __future__ import annotations

import logging

from . import cache
from .budget import Header, OverBudget, check
from .errors import AssetError, Forbidden, UnprocessableImage
from .models import File
from .models import Rendition as RenditionRow
from .render import RenderError, Rendition, TransformFailed, render
from .render_pool import RenderCrashed, limits, pool
from .spec import TRANSFORMABLE_TYPES, IllegalTransformation, TransformSpec, pillow_format

logger = logging.getLogger(__name__)


def ensure(
    file: File,
    spec: TransformSpec,
    *,
    accept: str = "",
    origin: cache.Origin = cache.NO_PRESET,
    force: bool = False,
) -> tuple[TransformSpec, RenditionRow, bytes | None]:
    """The resolved spec, its ready rendition, and the bytes if this call rendered them."""
    resolved = spec.resolved(file.type, accept, file.focal_point)
    check_budget(file, resolved)
    row, data = make(file, resolved, origin, force=force)
    return resolved, row, data


def make(
    file: File, spec: TransformSpec, origin: cache.Origin, *, force: bool = False
) -> tuple[RenditionRow, bytes | None]:
    """The ready rendition of a resolved spec whose budget was checked (:func:`check_budget`),
    rendered if nobody has it."""
    return cache.fetch_or_render(file, spec, lambda: render_file(file, spec), origin, force=force)


def check_budget(file: File, spec: TransformSpec) -> None:
    """Refuse a resolved spec over budget from the file's recorded size, before any read.

    The displayed size is all the budget needs: turning the image does not change its
    pixel count, nor how much a JPEG's scaled decode saves. The render checks again from
    the real header, so a file recorded without a size is still bounded.
    """
    if file.width is None or file.height is None or file.type not in TRANSFORMABLE_TYPES:
        return
    header = Header((file.width, file.height), pillow_format(file.type))
    try:
        check(header, spec, limits())
    except OverBudget as over:
        raise IllegalTransformation(str(over)) from None


def render_file(file: File, spec: TransformSpec) -> cache.Rendered:
    """Read the original and render it, with failures as the endpoint's errors."""
    try:
        with file.open() as handle:
            source = handle.read()
    except FileNotFoundError:
        raise Forbidden() from None
    try:
        rendition = run_render(source, spec)
    except (OverBudget, TransformFailed) as error:
        raise IllegalTransformation(str(error)) from None
    except (RenderError, RenderCrashed) as error:
        raise UnprocessableImage(str(error)) from None
    except AssetError:
        raise  # busy, or over the time limit: answered as they are
    except Exception as error:
        # A bug, or an input nobody foresaw: logged for the site, a clear 422 for the client.
        logger.exception("Rendering %s of file %s failed", spec, file.pk)
        raise UnprocessableImage("The image could not be transformed.") from error
    return cache.Rendered(rendition.data, rendition.width, rendition.height)


def run_render(source: bytes, spec: TransformSpec) -> Rendition:
    """:func:`render` in a render process; looked up at call time, so tests can swap it."""
    return pool.run(render, source, spec, limits())
