"""Debian's Chromium, headless, against the demo server on loopback: the home page's images
load at the sizes the page promises, the admin logs in, an upload shows its thumbnail, the
focal point picker sets the point, the preset preview follows the form, and the AssetWidget
follows its choice. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NO_DATABASE
from tests.images import bands, encode
from tests.servers import DemoSite, stop

pytestmark = [pytest.mark.slow, NO_DATABASE]  # the demo keeps its own SQLite
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The longest a test waits for a state that a loaded 2-core machine reaches slowly.
SLOW_STATE_MS = 120_000
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"
# Chromium needs no sandbox as root in a container; nothing here may reach the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    demo = DemoSite.start(tmp_path_factory.mktemp("demo"))
    try:
        yield demo.url
    finally:
        stop(demo.process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, site: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    try:
        yield opened
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        opened.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
        context.close()


def log_in(page: Any) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "admin")
    page.click("input[type=submit]")
    page.wait_for_selector("text=Site administration")


def loaded_size(image: Any) -> tuple[int, int]:
    """The natural size of an image (a Locator) once it has loaded; scrolled to first, since
    it may be lazy."""
    image.scroll_into_view_if_needed()
    image.page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=image.element_handle()
    )
    width, height = image.evaluate("image => [image.naturalWidth, image.naturalHeight]")
    return width, height


def test_every_image_on_the_home_page_loads_at_its_promised_size(page):
    page.goto("/")
    images = page.locator("img")
    assert images.count() >= 10
    promised_sizes = 0
    for index in range(images.count()):
        image = images.nth(index)
        natural = loaded_size(image)
        promised = image.get_attribute("width"), image.get_attribute("height")
        if promised[0] is not None:
            promised_sizes += 1
            assert natural == (int(promised[0]), int(promised[1])), image.get_attribute("src")
    assert promised_sizes >= 7  # the template tags' <img>s: five cards, the article's two
    fits = page.locator("#fit-comparison img")
    assert [loaded_size(fits.nth(0)), loaded_size(fits.nth(1))] == [(200, 200), (200, 200)]
    # The <picture> picked a modern format: Chromium decodes AVIF.
    current = page.locator("#template-tags picture img").evaluate("image => image.currentSrc")
    assert "format=avif" in current


BACKGROUND = "image => getComputedStyle(image).backgroundImage"
# Records what each element animates, before the page's own scripts run.
RECORD_ANIMATIONS = """
window.animations = [];
const animate = Element.prototype.animate;
Element.prototype.animate = function (keyframes, options) {
  window.animations.push([this.currentSrc, JSON.stringify(keyframes)]);
  return animate.call(this, keyframes, options);
};
"""


def wait_until_loaded_without_background(image: Any) -> None:
    image.scroll_into_view_if_needed()
    image.page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0 && !image.style.background",
        arg=image.element_handle(),
    )
    assert image.evaluate(BACKGROUND) == "none"
    assert image.evaluate("image => getComputedStyle(image).backgroundColor") == (
        "rgba(0, 0, 0, 0)"
    )


def test_a_placeholder_shows_until_its_thumbnail_arrives_and_is_gone_after(page):
    held: list[Any] = []

    def hold(route: Any) -> None:  # every image waits until the test lets it go
        held.append(route)

    page.add_init_script(RECORD_ANIMATIONS)
    page.route("**/assets/**", hold)
    page.goto("/", wait_until="domcontentloaded")
    blurred = page.locator("#template-tags figure > img").first
    coloured = page.locator("#template-tags picture img").first
    blurred.scroll_into_view_if_needed()
    page.wait_for_function("() => document.readyState !== 'loading'")
    assert blurred.evaluate("image => !image.complete || image.naturalWidth === 0")
    assert blurred.evaluate(BACKGROUND).startswith('url("data:image/png;base64,')
    colour = coloured.evaluate("image => getComputedStyle(image).backgroundColor")
    assert colour.startswith("rgb(") and colour != "rgba(0, 0, 0, 0)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "placeholders-before-the-images.png", full_page=True)
    for route in held:
        route.continue_()
    page.unroute("**/assets/**")
    for image in (blurred, coloured):
        wait_until_loaded_without_background(image)
        # It came into focus over its placeholder, which went once that was over.
        source = image.evaluate("image => image.currentSrc")
        animations = page.evaluate("() => window.animations")
        assert [source, '{"filter":["blur(12px)","blur(0)"]}'] in animations


def test_with_reduced_motion_the_placeholder_goes_at_once(page):
    page.emulate_media(reduced_motion="reduce")
    page.add_init_script(RECORD_ANIMATIONS)
    page.goto("/")
    for image in page.locator("#template-tags figure > img, #template-tags picture img").all():
        wait_until_loaded_without_background(image)
    assert page.evaluate("() => window.animations") == []


def test_logging_in_and_uploading_a_file_shows_its_thumbnail(page, tmp_path):
    log_in(page)
    upload = tmp_path / "upload.jpg"
    upload.write_bytes(encode(bands((320, 200)), "JPEG"))
    page.goto("/admin/directus_assets/file/add/")
    page.set_input_files("#id_upload", str(upload))
    page.fill("#id_title", "Browser upload")
    page.click("input[name=_save]")
    page.wait_for_selector("text=was added successfully")
    row = page.locator("#result_list tr", has_text="Browser upload")
    assert loaded_size(row.locator("img")) == (64, 64)


def test_the_focal_point_picker_sets_and_keeps_the_point(page):
    log_in(page)
    page.goto("/admin/directus_assets/file/?q=landscape")
    page.locator("#result_list a", has_text="landscape.jpg").first.click()
    picker = page.locator(".directus-assets-focal img")
    assert loaded_size(picker) == (800, 533)  # system-large-contain of 1800 x 1200
    page.wait_for_selector(".directus-assets-focal[data-ready=true]")
    # Images above the picker move it as they load: click once the page has settled, at a
    # point of the picker itself (Playwright waits for it to be stable).
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.25})
    page.wait_for_function("document.getElementById('id_focal_point_x').value !== ''")
    # landscape.jpg is 1800 x 1200: a quarter of the way down, three quarters across.
    x = int(page.input_value("#id_focal_point_x"))
    y = int(page.input_value("#id_focal_point_y"))
    assert abs(x - 1350) <= 1800 / box["width"] + 1 and abs(y - 300) <= 1200 / box["height"] + 1
    assert page.locator(".directus-assets-focal-marker").is_visible()
    page.click("input[name=_continue]")
    page.wait_for_selector("text=was changed successfully")
    assert (page.input_value("#id_focal_point_x"), page.input_value("#id_focal_point_y")) == (
        str(x),
        str(y),
    )


def test_the_preset_preview_follows_the_form(page):
    log_in(page)
    page.goto("/admin/directus_assets/thumbnailpreset/?q=card")
    page.locator("#result_list th a", has_text="card").click()
    preview = page.locator(".directus-assets-preset-preview img")
    assert loaded_size(preview) == (200, 200)
    page.fill("#id_width", "120")
    page.wait_for_function("image => image.naturalWidth == 120", arg=preview.element_handle())
    assert loaded_size(preview) == (120, 200)
    page.fill("#id_transforms", '[["nope"]]')
    page.wait_for_selector(".directus-assets-preset-preview .error:has-text('nope')")


def test_the_asset_widget_shows_the_chosen_file(page):
    log_in(page)
    page.goto("/admin/demo/article/")
    page.locator("#result_list a", has_text="Welcome").click()
    preview = page.locator(".directus-assets-choice-preview")
    assert loaded_size(preview) == (64, 64)
    before = preview.get_attribute("src")
    page.select_option("#id_cover", label="tiny.png")
    page.wait_for_function(
        "([image, before]) => image.getAttribute('src') != before",
        arg=[preview.element_handle(), before],
    )
    chosen = page.input_value("#id_cover")
    assert preview.get_attribute("src") == f"/assets/{chosen}?key=system-small-cover"
    assert loaded_size(preview) == (64, 64)


def test_the_asset_widget_uploads_a_new_file_in_a_popup(page, tmp_path):
    log_in(page)
    page.goto("/admin/demo/article/add/")
    upload = tmp_path / "fresh.png"
    upload.write_bytes(encode(bands((90, 60)), "PNG"))
    with page.expect_popup() as opened:
        page.click("#add_id_cover")
    popup = opened.value
    popup.set_input_files("#id_upload", str(upload))
    # Waiting for the close is set up before the click that causes it (a fast save may close
    # the popup before a wait set up afterwards would begin); a slow, loaded machine gets
    # longer than Playwright's default to store and inspect the upload.
    with popup.expect_event("close", timeout=SLOW_STATE_MS):
        popup.click("input[name=_save]")
    chosen = page.input_value("#id_cover")
    assert page.locator("#id_cover option:checked").inner_text() == "fresh.png"
    preview = page.locator(".directus-assets-choice-preview")
    page.wait_for_function(
        "([image, chosen]) => image.getAttribute('src').includes(chosen)",
        arg=[preview.element_handle(), chosen],
    )
    assert loaded_size(preview) == (64, 64)
    # The admin's own links beside the choice still follow it.
    assert chosen in page.get_attribute("#change_id_cover", "href")


def test_the_files_list_fits_a_1280_by_800_screen(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page)
    page.goto("/admin/directus_assets/file/")
    page.wait_for_selector("#result_list")
    # Django's list scrolls sideways inside its box when its columns do not fit: they must.
    table, box, page_width = page.evaluate(
        "() => [document.querySelector('#result_list').scrollWidth,"
        " document.querySelector('.results').clientWidth,"
        " document.documentElement.scrollWidth]"
    )
    assert table <= box and page_width <= 1280, (table, box, page_width)
