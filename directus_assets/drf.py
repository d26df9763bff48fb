"""An optional Django REST Framework field: a File as its URLs, a file id on input.

Only this module needs DRF (``pip install djangorestframework``); nothing else in the app
imports it. ``cover = AssetField(presets=["card", "avatar"])`` serializes a File as::

    {"id": "...", "url": "https://site/assets/<id>?v=...", "type": "image/jpeg",
     "width": 1800, "height": 1200, "filename": "beach.jpg",
     "blurhash": "LKO2?U%2Tw=w]~RBVZRi};RPxuwH", "dominant_color": "#c4a484",
     "presets": {"card": "https://site/assets/<id>?key=card&v=...", ...}}

(``blurhash`` and ``dominant_color``, the file's placeholder, are ``null`` when it has
none), and accepts a file id when written. URLs are absolute when the serializer has the request
in its context (as DRF's generic views give it), else site-relative.
:func:`authenticate_token` checks Directus clients' tokens with DRF's authentication classes
(the ``AUTHENTICATE_TOKEN`` setting).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

try:
    from rest_framework import serializers
    from rest_framework.authentication import BaseAuthentication, SessionAuthentication
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.request import Request
    from rest_framework.settings import api_settings
except ImportError as error:
    raise ImportError(
        "directus_assets.drf needs Django REST Framework: pip install djangorestframework"
    ) from error

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest

from .access import may_access
from .links import asset_url
from .models import File


class AssetField(serializers.Field):  # type: ignore[type-arg]
    """A File as its URLs when read; a file id when written."""

    default_error_messages = {
        # The same for an unknown id and a private file the user may not see.
        "does_not_exist": "No file you may use has the id {value}.",
        "invalid": "Expected a file id, got {value!r}.",
    }

    def __init__(self, *, presets: Iterable[str] = (), **kwargs: Any) -> None:
        self.presets = tuple(presets)
        super().__init__(**kwargs)

    def to_representation(self, file: File) -> dict[str, Any]:
        return {
            "id": str(file.pk),
            "url": self._absolute(asset_url(file)),
            "type": file.type,
            "width": file.width,
            "height": file.height,
            "filename": file.filename_download,
            "blurhash": file.blurhash or None,
            "dominant_color": file.dominant_color or None,
            "presets": {key: self._absolute(asset_url(file, key=key)) for key in self.presets},
        }

    def to_internal_value(self, data: Any) -> File:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        try:
            file = File.objects.filter(pk=data).first()
        except (DjangoValidationError, ValueError):
            self.fail("invalid", value=data)
        # A private file only for those the access hook lets see it (with no request in the
        # serializer's context: public files only).
        if file is None or not may_access(self.context.get("request"), file):
            self.fail("does_not_exist", value=data)
        return file

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


def authenticate_token(request: HttpRequest, token: str) -> Any:
    """An ``AUTHENTICATE_TOKEN`` hook: the user DRF's authentication classes find for a token.

    Each of the site's ``DEFAULT_AUTHENTICATION_CLASSES`` that reads the Authorization
    header (token, JWT, ...; not the session) is shown the token as ``Bearer <token>`` and
    under its own keyword (``Token`` for DRF's TokenAuthentication). ``None`` if none
    accepts it.
    """
    # DRF imports the dotted paths of the setting: classes at run time, strings to the stubs.
    classes: list[type[BaseAuthentication]] = list(api_settings.DEFAULT_AUTHENTICATION_CLASSES)  # type: ignore[arg-type]
    for authentication_class in classes:
        if issubclass(authentication_class, SessionAuthentication):
            continue
        authenticator = authentication_class()
        for keyword in {"Bearer", getattr(authenticator, "keyword", "Bearer")}:
            user = _user_for_header(authenticator, request, f"{keyword} {token}")
            if user is not None:
                return user
    return None


def _user_for_header(authenticator: Any, request: HttpRequest, header: str) -> Any:
    shown = copy.copy(request)
    shown.META = {**request.META, "HTTP_AUTHORIZATION": header}
    shown.__dict__.pop("headers", None)  # Django caches headers made from the old META
    try:
        found = authenticator.authenticate(Request(shown))
    except AuthenticationFailed:
        return None
    return found[0] if found else None
