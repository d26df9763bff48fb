import io
import re
import sys

import pytest
from django.core.management import CommandError, call_command

from directus_assets.models import Rendition, ThumbnailPreset
from tests.images import bands, decode, encode


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("pregenerate_thumbnails", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exit:
        status = exit.code
    except CommandError as error:  # as manage.py reports it: one line, its exit status
        status, err = error.returncode, io.StringIO(f"CommandError: {error}\n")
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def library(make_file):
    ThumbnailPreset.objects.create(key="card", width=60, height=60)
    ThumbnailPreset.objects.create(key="wide", fit="inside", width=120, height=40, format="webp")
    return [
        make_file(encode(bands((300, 100)), "JPEG"), filename="a.jpg"),
        make_file(encode(bands((90, 90), mode="RGBA")), filename="b.png"),
        make_file(b"%PDF-1.4", filename="c.pdf"),  # not an image: no jobs
    ]


@pytest.mark.django_db
def test_renders_every_preset_for_every_image_then_skips_them(library, renders):
    status, out, _ = run("--workers", "1")
    assert status == 0
    assert "rendered 4, skipped 0 (cached), failed 0" in out
    assert Rendition.objects.filter(ready=True).count() == 4
    card = Rendition.objects.get(file=library[0], preset_key="card")
    assert (card.width, card.height) == (60, 60)
    assert len(renders) == 4
    status, out, _ = run("--workers", "1")
    assert "rendered 0, skipped 4 (cached)" in out
    assert len(renders) == 4


@pytest.mark.django_db
def test_the_view_serves_what_was_pregenerated(client, library, renders):
    run("--workers", "1", "--preset", "card")
    response = client.get(f"/assets/{library[0].pk}?key=card")
    assert decode(b"".join(response.streaming_content)).size == (60, 60)
    assert len(renders) == 2  # both images, and nothing more for the request


@pytest.mark.django_db
def test_filters_force_and_dry_run(library, renders):
    status, out, _ = run("--workers", "1", "--dry-run")
    assert (status, renders) == (0, [])
    assert out.splitlines()[-1] == "would render 4, skipped 0 (cached), failed 0"  # no rate
    run("--workers", "1", "--preset", "wide", "--file", str(library[1].pk))
    assert list(Rendition.objects.values_list("preset_key", "format")) == [("wide", "webp")]
    _, out, _ = run("--workers", "1", "--preset", "wide", "--file", str(library[1].pk), "--force")
    assert "rendered 1, skipped 0" in out
    assert len(renders) == 2


@pytest.mark.django_db
def test_auto_format_presets_make_each_negotiated_format(make_file):
    ThumbnailPreset.objects.create(key="auto", width=30, format="auto")
    make_file(encode(bands((90, 30)), "JPEG"), filename="a.jpg")
    run("--workers", "1")
    assert sorted(Rendition.objects.values_list("format", flat=True)) == ["avif", "jpeg", "webp"]


@pytest.mark.django_db
def test_a_bad_file_is_reported_and_the_rest_done(library, make_file):
    broken = make_file(encode(bands((300, 100)), "JPEG")[:300], filename="broken.jpg")
    status, out, err = run("--workers", "1")
    assert status == 1
    assert f"failed {broken.pk} card" in err and f"failed {broken.pk} wide" in err
    assert "rendered 4, skipped 0 (cached), failed 2" in out
    assert not Rendition.objects.filter(file=broken).exists()


@pytest.mark.django_db
def test_progress_is_plain_lines_when_not_a_terminal(library):
    _, out, _ = run("--workers", "1", "--preset", "card")
    lines = out.splitlines()
    assert lines[0].startswith("1/2 ") and lines[0].endswith("card: rendered")
    assert lines[1].startswith("2/2 ")


@pytest.mark.django_db(transaction=True)
def test_worker_processes(library):
    status, out, err = run("--workers", "2")
    assert (status, err) == (0, ""), err
    assert "rendered 4, skipped 0 (cached), failed 0" in out
    assert Rendition.objects.filter(ready=True).count() == 4


@pytest.mark.django_db
def test_pregeneration_as_background_tasks(library, renders, django_capture_on_commit_callbacks):
    from directus_assets.tasks import enqueue_pregeneration

    with django_capture_on_commit_callbacks(execute=True):
        results = enqueue_pregeneration(["card"])
    assert len(results) == 2
    assert Rendition.objects.filter(preset_key="card", ready=True).count() == 2
    assert len(renders) == 2
    with django_capture_on_commit_callbacks(execute=True):
        status, out, _ = run("--enqueue", "--preset", "wide")
    assert (status, out.strip()) == (0, "enqueued 2 pregeneration tasks")
    assert Rendition.objects.filter(preset_key="wide", ready=True).count() == 2


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db
def test_progress_is_a_bar_on_a_terminal(library):
    out = Terminal()
    call_command("pregenerate_thumbnails", "--workers", "1", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    # A bar redrawn in place from 0/4 to 4/4 (how many steps between depends on the clock).
    assert "| 0/4 [" in text and "\r100%" in text and "| 4/4 [" in text
    assert "card: rendered" not in text


@pytest.mark.django_db
def test_a_failure_on_a_terminal_gets_a_line_of_its_own(library, make_file):
    make_file(encode(bands((300, 100)), "JPEG")[:300], filename="broken.jpg")
    terminal = Terminal()  # the bar and the failures on one screen
    with pytest.raises(SystemExit):
        call_command("pregenerate_thumbnails", "--workers", "1", stdout=terminal, stderr=terminal)
    screen = terminal.getvalue()
    assert screen.count("failed ") >= 2
    for line in re.split(r"[\r\n]", screen):
        assert not ("failed " in line and "|" in line.split("failed ")[0]), line


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--file", "not-a-uuid"], "--file 'not-a-uuid' is not a file id"),
        (["--file", "00000000-0000-0000-0000-000000000000"], "no file 00000000-0000"),
        (["--preset", "nope", "--preset", "card"], "no preset 'nope'"),
    ],
)
def test_unknown_files_and_presets_are_one_clear_error(library, renders, args, message):
    status, out, err = run("--workers", "1", *args)
    assert (status, out, renders) == (2, "", [])
    assert err.count("\n") == 1 and message in err


@pytest.mark.django_db
def test_enqueue_without_the_tasks_framework_says_what_to_install(library, monkeypatch):
    monkeypatch.setitem(sys.modules, "directus_assets.tasks", None)  # as if not installable
    status, _, err = run("--enqueue")
    assert status == 2 and 'pip install "directus-assets[tasks]"' in err
