"""API clients' credentials: the token a Directus client sends with an asset request.

The Directus SDK puts a token in ``?access_token=`` (image URLs cannot carry headers) or in
``Authorization: Bearer``. With the ``AUTHENTICATE_TOKEN`` hook set (a dotted path to
``(request, token) -> user or None``), a request carrying a token is that token's user for
the access check, and a token the hook rejects is 401 ``INVALID_CREDENTIALS``, as Directus
answers. Without the hook (the default) tokens are not read: access goes by the session.
:func:`directus_assets.drf.authenticate_token` is a ready hook for sites with Django REST
Framework token or JWT authentication.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.utils.module_loading import import_string

from .conf import app_settings
from .errors import InvalidCredentials

TokenCheck = Callable[[HttpRequest, str], Any]
TOKEN_PARAMETER = "access_token"


def authenticate(request: HttpRequest) -> None:
    """Make ``request.user`` the user of the token it carries, if a hook is set."""
    path = app_settings.AUTHENTICATE_TOKEN
    token = token_of(request)
    if path is None or token is None:
        return
    user = _load_hook(path)(request, token)
    if user is None:
        raise InvalidCredentials("Invalid user credentials.")
    request.user = user


def token_of(request: HttpRequest) -> str | None:
    """The token in ``?access_token=`` or an ``Authorization: Bearer`` header."""
    if TOKEN_PARAMETER in request.GET:
        return request.GET[TOKEN_PARAMETER]
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@lru_cache(maxsize=4)
def _load_hook(path: str) -> TokenCheck:
    hook: TokenCheck = import_string(path)
    return hook
