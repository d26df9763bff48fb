import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from directus_assets.models import File
from tests.conftest import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "incoming"
    (root / "nested").mkdir(parents=True)
    (root / "a.jpg").write_bytes(image_bytes((40, 30), "JPEG"))
    (root / "nested" / "b.png").write_bytes(image_bytes((5, 7)))
    (root / "nested" / "notes.txt").write_bytes(b"hello")
    return root


def run(*args):
    """Run import_assets; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_assets", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_json_lists_every_imported_file(folder):
    status, out, err = run(folder, "--json")
    assert (status, err) == (0, "")
    listed = json.loads(out)
    assert [item["filename_download"] for item in listed] == ["a.jpg", "b.png", "notes.txt"]
    assert listed[0] == {
        "id": listed[0]["id"],
        "filename_download": "a.jpg",
        "type": "image/jpeg",
        "width": 40,
        "height": 30,
        "filesize": len(image_bytes((40, 30), "JPEG")),
    }
    assert listed[2]["width"] is None
    assert {str(pk) for pk in File.objects.values_list("pk", flat=True)} == {
        item["id"] for item in listed
    }


def test_bad_paths_are_reported_and_the_rest_imported(folder, tmp_path):
    status, out, err = run(tmp_path / "missing.jpg", folder / "a.jpg", "--json")
    assert status == 1
    assert "missing.jpg: no such file or directory" in err
    assert [item["filename_download"] for item in json.loads(out)] == ["a.jpg"]


def test_an_unreadable_file_is_reported(folder, monkeypatch):
    real_open = Path.open

    def refuse(path, *args, **kwargs):
        if path.name == "b.png":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    status, out, err = run(folder, "--json")
    assert status == 1
    assert "b.png: Permission denied" in err
    assert [item["filename_download"] for item in json.loads(out)] == ["a.jpg", "notes.txt"]


def test_plain_output_names_each_file(folder):
    status, out, _ = run(folder / "a.jpg")
    file = File.objects.get()
    assert status == 0
    assert out.strip() == f"{folder / 'a.jpg'} -> {file.pk} (image/jpeg)"


def test_a_second_run_with_skip_existing_imports_only_what_is_new(folder):
    assert run(folder)[0] == 0
    (folder / "c.txt").write_bytes(b"new")
    status, out, err = run(folder, "--skip-existing")
    assert (status, out.count(" -> ")) == (0, 1) and "c.txt ->" in out
    assert err.count("skipped, already imported as") == 3
    assert File.objects.count() == 4
    assert run(folder)[0] == 0 and File.objects.count() == 8  # without it: duplicates


def test_an_unknown_storage_is_one_clear_error(folder):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No storage 'nope'"):
        run(folder, "--storage", "nope")


@pytest.mark.slow
def test_a_missing_bucket_is_a_line_per_path_and_exit_1(folder, settings, seaweedfs):
    from tests.conftest import s3_storage_settings

    missing = s3_storage_settings(seaweedfs, "x")
    missing["OPTIONS"]["bucket_name"] = "no-such-bucket"
    settings.STORAGES = {**settings.STORAGES, "missing": missing}
    status, out, err = run(folder, "--storage", "missing")
    lines = err.strip().splitlines()
    assert status == 1 and out == "" and "Traceback" not in err
    # S3's own reason (SeaweedFS says AccessDenied for a bucket that is not there).
    assert len(lines) == 4 and all("when calling the PutObject" in line for line in lines[:3])
    assert lines[-1] == "3 path(s) could not be imported."
    assert not File.objects.exists()
