"""``{% load directus_assets %}``: asset URLs, srcsets, ``<img>`` and ``<picture>`` in templates.

``{% asset_url file key="card" %}``, ``{% asset_url file width=400 fit="inside" %}``,
``{% asset_srcset file key="card" %}``, ``{% asset_img file key="card" alt="..." %}``,
``{% asset_picture file width=800 formats="avif,webp" alt="..." %}``. ``file`` is a File or
its id; an empty value (an optional foreign key that is not set) or an unknown id renders
nothing. Each tag is the function of the same name in :mod:`directus_assets.links`.

A tag never takes a page down: parameters the endpoint would refuse (a preset nobody has made
yet, a width of 0) render nothing and log a warning, as Django's own tags stay quiet; with
``DEBUG`` on they raise the ``ValueError``, so a developer sees it at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django import template
from django.conf import settings

from .. import links
from ..models import File

register = template.Library()
logger = logging.getLogger(__name__)


def _unless_missing(build: Callable[..., Any], file: Any, options: dict[str, Any]) -> Any:
    if file in (None, ""):
        return ""
    try:
        return build(file, **options)
    except File.DoesNotExist:
        return ""
    except ValueError as error:
        if settings.DEBUG:
            raise
        tag, file_id = build.__name__, getattr(file, "pk", file)
        logger.warning("{%% %s %%} for file %s rendered nothing: %s", tag, file_id, error)
        return ""


@register.simple_tag
def asset_url(file: Any, **params: Any) -> str:
    """The asset's URL: :func:`directus_assets.links.asset_url`."""
    return str(_unless_missing(links.asset_url, file, params))


@register.simple_tag
def asset_srcset(file: Any, **params: Any) -> str:
    """A ``srcset`` value: :func:`directus_assets.links.asset_srcset`."""
    return str(_unless_missing(links.asset_srcset, file, params))


@register.simple_tag
def asset_img(file: Any, **options: Any) -> Any:
    """An ``<img>``: :func:`directus_assets.links.asset_img`."""
    return _unless_missing(links.asset_img, file, options)


@register.simple_tag
def asset_picture(file: Any, **options: Any) -> Any:
    """A ``<picture>``: :func:`directus_assets.links.asset_picture`."""
    return _unless_missing(links.asset_picture, file, options)
