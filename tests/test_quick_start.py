"""README's quick start, followed in a brand-new Django project: install the app, include
its URLs, migrate, upload, and README's own template snippet shows thumbnails."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
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


APP = "\\g<0>\n    'directus_assets',"
INCLUDE = "\\g<0>\n    path('assets/', include('directus_assets.urls')),"


def readme_template() -> str:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start in your own project", 1)[1]
    return re.search(r"```django\n(.*?)```", quick_start, re.S).group(1)


def run(*command: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_readme_quick_start_gives_thumbnails_in_a_template(tmp_path):
    run(sys.executable, "-m", "django", "startproject", "mysite", str(tmp_path), cwd=tmp_path)
    settings = tmp_path / "mysite" / "settings.py"
    settings.write_text(  # INSTALLED_APPS = [..., "directus_assets"]
        re.sub(r"(['\"])django.contrib.staticfiles\1,", APP, settings.read_text())
    )
    urls = tmp_path / "mysite" / "urls.py"
    urls.write_text(  # urlpatterns = [..., path("assets/", include("directus_assets.urls"))]
        re.sub(r"path\((['\"])admin/\1, admin.site.urls\),", INCLUDE, urls.read_text()).replace(
            "from django.urls import path", "from django.urls import include, path"
        )
    )
    assert "directus_assets" in settings.read_text() and "directus_assets.urls" in urls.read_text()
    (tmp_path / "snippet.html").write_text(readme_template())
    run(sys.executable, "manage.py", "migrate", "--noinput", cwd=tmp_path)

    output = run(sys.executable, "manage.py", "shell", "-v", "0", "-c", CHECK, cwd=tmp_path)

    assert output.splitlines() == [
        "200 width=400 (400, 267) (400, 267)",
        "200 key=card (200, 200) (200, 200)",
    ]
