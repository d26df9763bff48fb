"""Admin for files (upload, replace, preview) and thumbnail presets (inline editing, preview)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from .models import PRESET_FIELDS, File, ThumbnailPreset

PREVIEW_SIZE = 64


def asset_path(file: File, **query: str) -> str:
    url = reverse("directus_assets:asset", args=[file.pk])
    return f"{url}?{urlencode(query)}" if query else url


def image_tag(src: str, size: int) -> str:
    return format_html(
        '<img src="{}" alt="" style="max-width:{}px;max-height:{}px;object-fit:contain">',
        src,
        size,
        size,
    )


class FileForm(forms.ModelForm):
    upload = forms.FileField(
        required=False, help_text="Choose a file to upload; on an existing file, replaces it."
    )

    class Meta:
        model = File
        fields = (
            "upload",
            "title",
            "filename_download",
            "description",
            "private",
            "focal_point_x",
            "focal_point_y",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["filename_download"].required = False
        self.fields["filename_download"].help_text = "Defaults to the uploaded file's name."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance._state.adding and not cleaned.get("upload"):
            self.add_error("upload", "Choose a file to upload.")
        return cleaned


@admin.register(File)
class FileAdmin(admin.ModelAdmin):
    form = FileForm
    list_display = ("thumbnail", "__str__", "type", "dimensions", "size", "uploaded_on")
    list_display_links = ("thumbnail", "__str__")
    list_filter = ("type", "private", "uploaded_on")
    search_fields = ("title", "filename_download", "description", "type", "=checksum")
    date_hierarchy = "uploaded_on"
    readonly_fields = (
        "preview",
        "id",
        "type",
        "size",
        "dimensions",
        "storage",
        "filename_disk",
        "checksum",
        "uploaded_by",
        "uploaded_on",
        "modified_on",
        "metadata",
    )

    def get_fieldsets(self, request: HttpRequest, obj: File | None = None) -> Any:
        editable = ("upload", "title", "filename_download", "description", "private")
        if obj is None:
            return [(None, {"fields": editable})]
        return [
            (None, {"fields": ("preview", *editable)}),
            ("Focal point", {"fields": ("focal_point_x", "focal_point_y")}),
            ("Stored file", {"fields": self.readonly_fields[1:]}),
        ]

    def save_model(self, request: HttpRequest, obj: File, form: Any, change: bool) -> None:
        upload = form.cleaned_data.get("upload")
        if not upload:
            obj.save()
            return
        if not change:
            obj.uploaded_by = request.user if request.user.is_authenticated else None
        keep_name = "filename_download" in form.changed_data and obj.filename_download
        obj.save_content(upload, filename=obj.filename_download if keep_name else None)

    @admin.display(description="")
    def thumbnail(self, file: File) -> str:
        if not file.is_image:
            return ""
        return image_tag(asset_path(file, key="system-small-cover"), PREVIEW_SIZE)

    @admin.display(description="Preview")
    def preview(self, file: File) -> str:
        if not file.is_image:
            return format_html('<a href="{}">{}</a>', asset_path(file), file.filename_download)
        preview = image_tag(asset_path(file, key="system-medium-contain"), 300)
        return format_html('<a href="{}">{}</a>', asset_path(file), preview)

    @admin.display(description="Dimensions")
    def dimensions(self, file: File) -> str:
        return f"{file.width} × {file.height}" if file.is_image else "—"

    @admin.display(description="Size", ordering="filesize")
    def size(self, file: File) -> str:
        return filesizeformat(file.filesize)


# Every preset field but the JSON list of transforms fits in a changelist row.
LIST_EDITABLE_PRESET_FIELDS = tuple(field for field in PRESET_FIELDS if field != "transforms")


@admin.register(ThumbnailPreset)
class ThumbnailPresetAdmin(admin.ModelAdmin):
    list_display = ("key", *LIST_EDITABLE_PRESET_FIELDS, "sample")
    list_editable = LIST_EDITABLE_PRESET_FIELDS
    search_fields = ("key",)
    readonly_fields = ("preview",)

    @admin.display(description="Sample")
    def sample(self, preset: ThumbnailPreset) -> str:
        file = _sample_file()
        return image_tag(asset_path(file, key=preset.key), PREVIEW_SIZE) if file else ""

    @admin.display(description="Preview on a sample file")
    def preview(self, preset: ThumbnailPreset) -> str:
        file = _sample_file()
        if file is None or not preset.pk:
            return "Upload an image and save the preset to see it applied here."
        return image_tag(asset_path(file, key=preset.key), 800)


def _sample_file() -> File | None:
    return File.objects.filter(width__isnull=False, type__startswith="image/").first()
