"""AssetsMiddleware: the view's answers, earlier. For a file of every kind and a query of every
kind, cold and warm, under WSGI and ASGI, the answer with the middleware first in MIDDLEWARE
is the answer without it; it answers public stored thumbnails and originals itself (the rest
of the stack never sees them) and passes everything else down."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client

from directus_assets import middleware
from directus_assets.models import File
from tests.conftest import body, image_bytes
from tests.test_fast_path_parity import (
    COMPARED,
    QUERIES_AND_SIGNED,
    SUBSET,
    corpus,
    go_cold,
    path_for,
)

pytestmark = pytest.mark.django_db
__all__ = ["corpus"]  # a fixture, used by name
FAST = "directus_assets.middleware.AssetsMiddleware"
SEEN_BY_THE_STACK = "tests.test_middleware.SeenByTheStack"


class SeenByTheStack:
    """A later middleware that marks what reaches it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Seen-By-The-Stack"] = "yes"
        return response


def add_cors(request, response):
    response["Access-Control-Allow-Origin"] = "*"


@pytest.fixture
def stack(settings):
    """Switch the middleware on (first) or off; the marking middleware stays after it."""
    plain = [*settings.MIDDLEWARE, SEEN_BY_THE_STACK]

    def use(fast: bool) -> None:
        settings.MIDDLEWARE = [FAST, *plain] if fast else plain

    return use


def ask(client, file, query, headers, asgi):
    path = path_for(file, query)
    if asgi:
        response = async_to_sync(client.get)(path, headers=headers)
        content = async_to_sync(_aread)(response)
    else:
        response = client.get(path, headers=headers)
        content = body(response)
    return response.status_code, {h: response.get(h) for h in COMPARED}, content, response


async def _aread(response):
    if not response.streaming:
        return response.content
    return b"".join([chunk async for chunk in response.streaming_content])


def client_with(stack, fast, asgi):
    stack(fast)
    return AsyncClient() if asgi else Client()  # a client keeps the middleware it started with


@pytest.mark.parametrize("asgi", [False, True], ids=["wsgi", "asgi"])
@pytest.mark.parametrize("name", SUBSET)
def test_the_middleware_answers_as_the_view(corpus, stack, monkeypatch, name, asgi):
    file = corpus[name]
    for query, headers in QUERIES_AND_SIGNED:
        go_cold(monkeypatch)
        expected = ask(client_with(stack, False, asgi), file, query, headers, asgi)
        go_cold(monkeypatch)
        client = client_with(stack, True, asgi)
        cold = ask(client, file, query, headers, asgi)
        warm = ask(client, file, query, headers, asgi)
        assert cold[:3] == warm[:3] == expected[:3], (name, query)
        answered_early = warm[3].get("X-Seen-By-The-Stack") is None
        # Once stored, a public file's thumbnail or original is answered before the stack;
        # all else (private, signed, errors) by the view.
        public_success = not file.private and warm[0] in (200, 206, 304)
        assert answered_early == (public_success and query != "signed"), (name, query)


def test_a_miss_goes_down_and_the_next_request_is_answered_early(client, stack, settings):
    stack(True)
    file = File.objects.create_from(image_bytes((300, 200), "JPEG"), filename="a.jpg")
    first = client.get(f"/assets/{file.pk}?width=120")
    second = client.get(f"/assets/{file.pk}?width=120")
    assert first.status_code == second.status_code == 200
    assert first["X-Seen-By-The-Stack"] == "yes"  # rendered by the view
    assert "X-Seen-By-The-Stack" not in second
    assert body(first) == body(second)


def test_the_headers_hook_adds_to_what_it_answers(client, stack, settings):
    stack(True)
    settings.DIRECTUS_ASSETS = {"ADD_HEADERS_FUNCTION": "tests.test_middleware.add_cors"}
    file = File.objects.create_from(image_bytes((30, 20), "PNG"), filename="a.png")
    response = client.get(f"/assets/{file.pk}")
    with file.open() as stored:
        assert (response.status_code, body(response)) == (200, stored.read())
    assert "X-Seen-By-The-Stack" not in response
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_custom_access_hook_sends_everything_to_the_view(client, stack, settings):
    stack(True)
    settings.DIRECTUS_ASSETS = {"ACCESS_CHECK": "tests.test_middleware.logged_in_only"}
    file = File.objects.create_from(image_bytes((30, 20), "PNG"), filename="a.png")
    response = client.get(f"/assets/{file.pk}")
    assert response.status_code == 403  # the hook ran, with the user the stack set
    assert response["X-Seen-By-The-Stack"] == "yes"


def logged_in_only(request, file):
    return request.user.is_authenticated


@pytest.mark.parametrize("path", ["/assets/", "/admin/", "/assets/x/", "/"])
def test_anything_else_goes_down(client, stack, path):
    stack(True)
    assert client.get(path)["X-Seen-By-The-Stack"] == "yes"


def test_the_prefix_follows_the_sites_urls():
    assert middleware._assets_prefix("/", "example_project.urls") == "/assets/"
    assert middleware._assets_prefix("/", "tests.test_middleware") is None


urlpatterns: list = []  # a URLconf without the endpoint, for the test above
