import io
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from PIL import Image

from directus_assets.models import File, ThumbnailPreset
from tests.conftest import body

pytestmark = pytest.mark.django_db


def test_seed_demo_imports_the_samples_and_presets_once(client):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    sizes = {f.filename_download: (f.type, f.width, f.height) for f in File.objects.all()}
    assert sizes == {
        "landscape.jpg": ("image/jpeg", 1800, 1200),
        "portrait-exif-rotated.jpg": ("image/jpeg", 800, 1200),
        "transparent.png": ("image/png", 600, 400),
        "sunset.webp": ("image/webp", 1000, 750),
        "tiny.png": ("image/png", 48, 32),
        "spinner.gif": ("image/gif", 240, 240),
        "notes.txt": ("text/plain", None, None),
    }
    card = ThumbnailPreset.objects.get(key="card")
    assert (card.fit, card.width, card.height, card.quality) == ("cover", 200, 200, 80)
    assert 400_000 < File.objects.get(filename_download="landscape.jpg").filesize < 900_000
    assert client.login(username="admin", password="admin")


def test_portrait_sample_is_stored_sideways_with_an_exif_rotation():
    call_command("seed_demo", stdout=io.StringIO())
    file = File.objects.get(filename_download="portrait-exif-rotated.jpg")
    with file.open() as handle:
        image = Image.open(handle)
        assert image.size == (1200, 800)
        assert image.getexif()[0x0112] == 6


def test_home_page_links_every_sample(client):
    call_command("seed_demo", stdout=io.StringIO())
    page = client.get("/").content.decode()
    for file in File.objects.all():
        assert f'href="/assets/{file.pk}"' in page
        assert f'href="/assets/{file.pk}?download"' in page


class AssetURLs(HTMLParser):
    """Every /assets/ URL a page links to or shows (href, src, srcset)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src"):
                candidates = [value or ""]
            elif name == "srcset":
                candidates = [part.split()[0] for part in (value or "").split(",") if part.strip()]
            else:
                continue
            self.urls.update(url for url in candidates if url.startswith("/assets/"))


def test_every_asset_url_on_the_home_page_answers(client):
    call_command("seed_demo", stdout=io.StringIO())
    parser = AssetURLs()
    parser.feed(client.get("/").content.decode())
    assert len(parser.urls) > 50
    for url in sorted(parser.urls):
        response = client.get(url, headers={"accept": "image/avif,image/webp,*/*"})
        assert response.status_code == 200, (url, body(response)[:200])


def test_home_page_shows_the_docs_comparisons_live(client):
    call_command("seed_demo", stdout=io.StringIO())
    response = client.get("/")
    fits = response.context["fits"]
    qualities = response.context["qualities"]
    assert [v["label"] for v in fits] == ["Cover", "Contain"]
    sizes = [v["bytes"] for v in qualities]
    assert sizes == sorted(sizes) and len(set(sizes)) == 4  # lower quality, fewer bytes
    for variant in fits + qualities:
        served = client.get(variant["url"])
        body = b"".join(served.streaming_content)
        assert len(body) == variant["bytes"]
        assert Image.open(io.BytesIO(body)).size == (200, 200)
        assert variant["url"] in response.content.decode().replace("&amp;", "&")


def test_the_spinner_card_stays_animated(client):
    call_command("seed_demo", stdout=io.StringIO())
    spinner = File.objects.get(filename_download="spinner.gif")
    response = client.get(f"/assets/{spinner.pk}?key=card")
    card = Image.open(io.BytesIO(body(response)))
    assert (response["Content-Type"], card.size, card.n_frames) == ("image/gif", (200, 200), 12)
