"""Make sure a thumbnail exists: resolve the spec, then the cache renders it once if needed.

Shared by the view, the pregeneration command and the background task, so they all use
the same render function and the same cache.
"""

from __future__ import annotations

from . import cache
from .conf import app_settings
from .errors import Forbidden, UnprocessableImage
from .models import File, Rendition
from .render import Limits, RenderError, SourceTooLarge, TransformFailed, render
from .spec import IllegalTransformation, TransformSpec


def ensure(
    file: File,
    spec: TransformSpec,
    *,
    accept: str = "",
    origin: cache.Origin = cache.NO_PRESET,
    force: bool = False,
) -> tuple[TransformSpec, Rendition, bytes | None]:
    """The resolved spec, its ready rendition, and the bytes if this call rendered them."""
    resolved = spec.resolved(file.type, accept, focal_point(file))
    row, data = cache.fetch_or_render(
        file, resolved, lambda: render_file(file, resolved), origin, force=force
    )
    return resolved, row, data


def render_file(file: File, spec: TransformSpec) -> cache.Rendered:
    """Read the original and render it, with failures as the endpoint's errors."""
    limits = Limits(app_settings.MAX_DIMENSION, app_settings.MAX_PIXELS)
    try:
        with file.open() as handle:
            source = handle.read()
    except FileNotFoundError:
        raise Forbidden() from None
    try:
        rendition = render(source, spec, limits)
    except (SourceTooLarge, TransformFailed) as error:
        raise IllegalTransformation(str(error)) from error
    except RenderError as error:
        raise UnprocessableImage(str(error)) from error
    return cache.Rendered(rendition.data, rendition.width, rendition.height)


def focal_point(file: File) -> tuple[int, int] | None:
    if file.focal_point_x is None or file.focal_point_y is None:
        return None
    return file.focal_point_x, file.focal_point_y
