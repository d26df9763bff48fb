"""AssetForeignKey: a ForeignKey to File with a thumbnail widget, usable in a site's models."""

import pytest
from django import forms

from directus_assets.fields import AssetForeignKey, AssetWidget
from directus_assets.models import File
from example_project.demo.models import Article
from tests.images import bands, encode

pytestmark = pytest.mark.django_db


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ("title", "cover")


@pytest.fixture
def photo(make_file):
    return make_file(encode(bands((60, 40)), "JPEG"), filename="photo.jpg")


def test_the_form_field_shows_the_chosen_files_thumbnail(photo):
    form = ArticleForm(instance=Article(title="t", cover=photo))
    assert isinstance(form.fields["cover"].widget, AssetWidget)
    html = str(form["cover"])
    assert f'src="/assets/{photo.pk}?key=system-small-cover"' in html
    assert f'<option value="{photo.pk}" selected>' in html
    assert "directus_assets/asset_widget.js" in str(form.media)


def test_without_a_choice_the_preview_is_hidden():
    html = str(ArticleForm()["cover"])
    assert 'src="" alt="" hidden' in html
    assert 'data-preview-template="/assets/00000000-0000-0000-0000-000000000000' in html


def test_the_form_saves_the_choice(photo):
    form = ArticleForm({"title": "Hello", "cover": str(photo.pk)})
    assert form.is_valid(), form.errors
    assert form.save().cover == photo


def test_the_admin_wraps_it_with_add_and_change_links(admin_client, photo):
    page = admin_client.get("/admin/demo/article/add/").content.decode()
    assert 'class="directus-assets-choice-preview"' in page
    assert 'id="add_id_cover"' in page and "/admin/directus_assets/file/add/" in page


def test_it_defaults_to_file_and_protect_and_migrates_with_both():
    _, path, args, kwargs = AssetForeignKey().deconstruct()
    assert path == "directus_assets.fields.AssetForeignKey"
    assert (kwargs["to"], kwargs["on_delete"].__name__) == ("directus_assets.file", "PROTECT")
    rebuilt = AssetForeignKey(*args, **kwargs)
    assert rebuilt.deconstruct()[3] == kwargs


def test_a_chosen_on_delete_is_kept(photo):
    Article.objects.create(title="t", cover=photo)
    photo.delete()  # the demo's Article chose SET_NULL
    assert Article.objects.get().cover is None
    assert not File.objects.exists()
