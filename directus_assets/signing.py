"""Signed asset URLs: access to one file (and one transformation) until an expiry.

A signed URL carries ``expires`` (a Unix time) and ``token``, a signature made with Django's
signing over the file id and every other query parameter. Changing any of them, or using it
after it expires, fails; keys rotate through Django's ``SECRET_KEY_FALLBACKS``.
"""

from __future__ import annotations

import time
from typing import Any

from django.core import signing
from django.http import QueryDict
from django.utils.http import urlencode

from .conf import app_settings
from .links import asset_path

_SALT = "directus_assets.signed-url"


def is_signed(query: QueryDict) -> bool:
    """Whether a request's query carries a signature (valid or not: :func:`verify` tells)."""
    return "token" in query


def signed_url(file: Any, *, expires_in: int | None = None, **params: Any) -> str:
    """The path of ``file`` (a File or its id) with ``params``, signed until the expiry.

    ``signed_url(file, key="card")`` or ``signed_url(file, width=400, fit="inside")``; the
    lifetime defaults to the ``SIGNED_URL_MAX_AGE`` setting.
    """
    file_id = getattr(file, "pk", file)
    lifetime = app_settings.SIGNED_URL_MAX_AGE if expires_in is None else expires_in
    query = {name: str(value) for name, value in params.items()}
    query["expires"] = str(int(time.time()) + lifetime)
    query["token"] = _signature(file_id, query)
    return asset_path(file_id, query)


def verify(file_id: Any, query: QueryDict) -> bool:
    """Whether ``query`` carries a valid, unexpired signature for ``file_id``."""
    token, expires = query.get("token", ""), query.get("expires", "")
    if not expires.isdigit() or int(expires) < time.time():
        return False
    values = {name: query.getlist(name) for name in query if name != "token"}
    signer = signing.Signer(salt=_SALT)
    try:
        signer.unsign(f"{_message(file_id, values)}{signer.sep}{token}")
    except signing.BadSignature:
        return False
    return True


def _signature(file_id: Any, query: dict[str, str]) -> str:
    signer = signing.Signer(salt=_SALT)
    message = _message(file_id, {name: [value] for name, value in query.items()})
    return signer.sign(message).rsplit(signer.sep, 1)[1]


def _message(file_id: Any, values: dict[str, list[str]]) -> str:
    # Order-independent, and every value of a repeated parameter counts.
    return f"{file_id}?{urlencode(sorted(values.items()), doseq=True)}"
