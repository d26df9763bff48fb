"""README's quick start, followed in a brand-new Django project: the app installed as README
says (a wheel ``python -m build`` makes, into a fresh virtual environment: not this
repository on the path), README's own settings and urls.py lines, migrate, upload, and
README's template snippet shows thumbnails."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NO_DATABASE

pytestmark = [pytest.mark.slow, NO_DATABASE]  # the new site keeps its own SQLite
ROOT = Path(__file__).resolve().parent.parent

# What a newcomer does after migrating: upload a photo and make a "card" preset in the
# admin; here through the same models, then README's template rendered and every <img>
# fetched.
CHECK = """
import io, re
from django.template import engines
from django.test import Client
from django.test.utils import setup_test_environment
from PIL import Image
from directus_assets.models import File, ThumbnailPreset

setup_test_environment()
buffer = io.BytesIO()
Image.new("RGB", (600, 400), (30, 90, 200)).save(buffer, "JPEG")
photo = File.objects.create_from(buffer.getvalue(), filename="beach.jpg")
ThumbnailPreset.objects.create(key="card", width=200, height=200, fit="cover")
html = engines["django"].from_string(open("snippet.html").read()).render({"photo": photo})
for tag in re.findall(r"<img [^>]+>", html):
    src = re.search(r'src="([^"]+)"', tag).group(1).replace("&amp;", "&")
    promised = tuple(int(re.search(f'{s}="([0-9]+)"', tag).group(1)) for s in ("width", "height"))
    response = Client().get(src)
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    print(response.status_code, src.split("?")[1].split("&v=")[0], image.size, promised)
"""


def quick_start() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split("## Quick start in your own project", 1)[1].split("\n## ", 1)[0]


def readme_template() -> str:
    return re.search(r"```django\n(.*?)```", quick_start(), re.S).group(1)


def readme_line(pattern: str) -> str:
    """The line of the quick start's Python snippets that matches ``pattern``."""
    return re.search(rf"^{pattern}.*$", quick_start(), re.M).group(0)


def run(*command: str | Path, cwd: Path) -> str:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")
    }
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the app installed from a wheel, as README says."""
    root = tmp_path_factory.mktemp("install")
    run(sys.executable, "-m", "build", "--wheel", "--outdir", root / "dist", ROOT, cwd=root)
    (wheel,) = (root / "dist").glob("directus_assets-*.whl")
    run(sys.executable, "-m", "venv", root / "venv", cwd=root)
    python = root / "venv" / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel, cwd=root)
    return python


def test_the_readme_quick_start_gives_thumbnails_in_a_template(python, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    run(python, "-m", "django", "startproject", "mysite", site, cwd=site)
    settings = site / "mysite" / "settings.py"
    app = readme_line("INSTALLED_APPS").split("..., ")[1].rstrip("]")  # "directus_assets"
    settings.write_text(
        settings.read_text().replace("INSTALLED_APPS = [", f"INSTALLED_APPS = [\n    {app},")
        + "\n"
        + readme_line("MEDIA_ROOT")
        + "\n"
    )
    urls = site / "mysite" / "urls.py"
    route = readme_line("urlpatterns").split("..., ")[1][:-1]  # path("assets/", include(...))
    urls.write_text(
        urls.read_text()
        .replace("from django.urls import path", readme_line("from django.urls import"))
        .replace("urlpatterns = [", f"urlpatterns = [\n    {route},")
    )
    (site / "snippet.html").write_text(readme_template())
    run(python, "manage.py", "check", "--fail-level", "WARNING", cwd=site)
    run(python, "manage.py", "migrate", "--noinput", cwd=site)

    output = run(python, "manage.py", "shell", "-v", "0", "-c", CHECK, cwd=site)

    # The app came from the wheel, and the files went where README said.
    where = run(python, "-c", "import directus_assets; print(directus_assets.__file__)", cwd=site)
    assert "site-packages" in where and str(ROOT) not in where
    assert any((site / "media" / "originals").iterdir())
    assert output.splitlines() == [
        "200 width=400 (400, 267) (400, 267)",
        "200 key=card (200, 200) (200, 200)",
    ]
