"""Admin for files (upload, replace, preview, focal point, bulk thumbnail actions) and
thumbnail presets (inline editing, a live preview on a chosen file)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from . import pregenerate, thumbnails
from .access import check_access, file_pk, may_access
from .errors import AssetError, Forbidden, error_response
from .links import asset_path
from .models import PRESET_FIELDS, File, Rendition, ThumbnailPreset
from .spec import SYSTEM_PRESETS, TRANSFORMABLE_TYPES, build_spec

PREVIEW_SIZE = 64
# What the change form shows about the stored content, read-only.
STORED_FILE_FIELDS = (
    "id",
    "type",
    "size",
    "dimensions",
    "storage",
    "filename_disk",
    "checksum",
    "blurhash",
    "dominant_color",
    "uploaded_by",
    "uploaded_on",
    "modified_on",
    "metadata",
)


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
        cleaned = super().clean() or {}
        if self.instance._state.adding and not cleaned.get("upload"):
            self.add_error("upload", "Choose a file to upload.")
        return cleaned


@admin.register(File)
class FileAdmin(admin.ModelAdmin):
    form = FileForm
    list_display = ("thumbnail", "__str__", "type", "dimensions", "size", "uploaded")
    list_display_links = ("thumbnail", "__str__")
    list_filter = ("type", "private", "uploaded_on")
    actions = ("pregenerate_thumbnails", "clear_thumbnails")
    search_fields = ("title", "filename_download", "description", "type", "=checksum")
    date_hierarchy = "uploaded_on"
    readonly_fields = ("preview", *STORED_FILE_FIELDS, "focal_point_picker", "preset_links")

    class Media:
        js = ("directus_assets/focal_point.js",)
        css = {"all": ("directus_assets/admin.css",)}

    def get_fieldsets(self, request: HttpRequest, obj: File | None = None) -> Any:
        editable = ("upload", "title", "filename_download", "description", "private")
        if obj is None:
            return [(None, {"fields": editable})]
        return [
            (None, {"fields": ("preview", *editable)}),
            ("Focal point", {"fields": ("focal_point_picker", "focal_point_x", "focal_point_y")}),
            ("Thumbnails", {"fields": ("preset_links",)}),
            ("Stored file", {"fields": STORED_FILE_FIELDS}),
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
        return image_tag(asset_path(file.pk, {"key": "system-small-cover"}), PREVIEW_SIZE)

    @admin.display(description="Preview")
    def preview(self, file: File) -> str:
        if not file.is_image:
            return format_html('<a href="{}">{}</a>', asset_path(file.pk), file.filename_download)
        preview = image_tag(asset_path(file.pk, {"key": "system-medium-contain"}), 300)
        return format_html('<a href="{}">{}</a>', asset_path(file.pk), preview)

    @admin.display(description="Click the image to set the point cover crops keep")
    def focal_point_picker(self, file: File) -> str:
        if not file.is_image or file.type not in TRANSFORMABLE_TYPES:
            return "Only images have a focal point."
        return format_html(
            '<div class="directus-assets-focal" data-width="{}" data-height="{}">{}'
            '<span class="directus-assets-focal-marker" hidden></span></div>',
            file.width,
            file.height,
            image_tag(asset_path(file.pk, {"key": "system-large-contain"}), 400),
        )

    @admin.display(description="Each preset's output")
    def preset_links(self, file: File) -> str:
        if not file.is_image or file.type not in TRANSFORMABLE_TYPES:
            return "—"
        keys = [*ThumbnailPreset.objects.values_list("key", flat=True), *SYSTEM_PRESETS]
        return format_html(
            '<ul class="directus-assets-presets">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}" target="_blank">{}</a></li>',
                ((asset_path(file.pk, {"key": key}), key) for key in keys),
            ),
        )

    @admin.action(description="Make the selected files' preset thumbnails now")
    def pregenerate_thumbnails(self, request: HttpRequest, queryset: QuerySet[File]) -> None:
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        outcomes = [pregenerate.run(job) for job in pregenerate.jobs([], ids)]
        made = sum(outcome.rendered for outcome in outcomes)
        cached = sum(outcome.skipped for outcome in outcomes)
        failed = [outcome for outcome in outcomes if outcome.error]
        self.message_user(
            request, f"Made {made} thumbnails; {cached} were already made.", messages.SUCCESS
        )
        for outcome in failed:
            self.message_user(
                request,
                f"{outcome.job.preset_key} for {outcome.job.file_id}: {outcome.error}",
                messages.ERROR,
            )

    @admin.action(description="Delete the selected files' cached thumbnails")
    def clear_thumbnails(self, request: HttpRequest, queryset: QuerySet[File]) -> None:
        # Their blobs go once the deletion commits (signal_handlers).
        deleted, _ = Rendition.objects.filter(file__in=queryset).delete()
        self.message_user(request, f"Deleted {deleted} cached thumbnails.", messages.SUCCESS)

    @admin.display(description="Dimensions")
    def dimensions(self, file: File) -> str:
        return f"{file.width} × {file.height}" if file.is_image else "—"

    @admin.display(description="Size", ordering="filesize")
    def size(self, file: File) -> str:
        return filesizeformat(file.filesize)

    @admin.display(description="Uploaded", ordering="uploaded_on")
    def uploaded(self, file: File) -> str:
        # The day only: with the time, the last column no longer fits a 1280-pixel screen.
        return date_format(localtime(file.uploaded_on))


# Every preset field but the JSON list of transforms fits in a changelist row.
LIST_EDITABLE_PRESET_FIELDS = tuple(field for field in PRESET_FIELDS if field != "transforms")


class PresetPreviewForm(forms.ModelForm):
    """The preset values on screen, validated as a saved preset is."""

    class Meta:
        model = ThumbnailPreset
        fields = PRESET_FIELDS


@admin.register(ThumbnailPreset)
class ThumbnailPresetAdmin(admin.ModelAdmin):
    list_display = ("key", *LIST_EDITABLE_PRESET_FIELDS, "make_at_upload", "sample")
    list_editable = LIST_EDITABLE_PRESET_FIELDS
    search_fields = ("key",)
    readonly_fields = ("preview",)

    class Media:
        js = ("directus_assets/preset_preview.js",)
        css = {"all": ("directus_assets/admin.css",)}

    def get_urls(self) -> list[URLPattern]:
        preview = self.admin_site.admin_view(self.preview_view)
        name = "directus_assets_thumbnailpreset_preview"
        return [path("preview/", preview, name=name), *super().get_urls()]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The values on screen applied to a file, rendered without touching the cache."""
        if not self.has_view_permission(request):
            return Forbidden().response()
        try:
            file = File.objects.filter(pk=file_pk(request.GET.get("file", ""))).first()
        except Forbidden:  # not a file id at all
            file = None
        if file is None or file.type not in TRANSFORMABLE_TYPES:
            return error_response(400, "INVALID_QUERY", "Choose an image to preview on.")
        form = PresetPreviewForm(_preset_form_data(request))
        if not form.is_valid():
            return error_response(400, "INVALID_QUERY", _first_error(form))
        values = {name: form.cleaned_data[name] for name in PRESET_FIELDS}
        try:
            check_access(request, file)  # a private file only for those who may see it
            spec = build_spec(values).resolved(file.type, "", file.focal_point)
            rendered = thumbnails.render_file(file, spec)
        except AssetError as error:
            return error.response()
        # admin_view() marks it never to be cached.
        return HttpResponse(rendered.data, content_type=spec.content_type)

    @admin.display(description="Sample")
    def sample(self, preset: ThumbnailPreset) -> str:
        file = _sample_file()
        return image_tag(asset_path(file.pk, {"key": preset.key}), PREVIEW_SIZE) if file else ""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The preview lists files by title, so it must know who is looking: the page is
        # rendered while the request is known.
        token = _viewer.set(request)
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, TemplateResponse):
                response.render()
            return response
        finally:
            _viewer.reset(token)

    @admin.display(description="Live preview")
    def preview(self, preset: ThumbnailPreset) -> str:
        viewer = _viewer.get()
        files = [f for f in _image_files()[:200] if may_access(viewer, f)][:50]
        if not files:
            return "Upload an image to see presets applied to it here."
        return format_html(
            '<div class="directus-assets-preset-preview" data-url="{}">'
            '<select aria-label="File to preview on">{}</select>'
            '<p class="error"></p><img alt="Preview" hidden></div>',
            reverse("admin:directus_assets_thumbnailpreset_preview"),
            format_html_join(
                "", '<option value="{}">{}</option>', ((f.pk, str(f)) for f in files)
            ),
        )


# Who is looking at the preset form being rendered (no request: public files only).
_viewer: ContextVar[HttpRequest | None] = ContextVar("directus_assets_viewer", default=None)


def _image_files() -> QuerySet[File]:
    return File.objects.filter(width__isnull=False, type__in=TRANSFORMABLE_TYPES).order_by(
        "-uploaded_on"
    )


def _sample_file() -> File | None:
    """The image the preset list shows each preset on: the largest public one, as a
    representative photo (the newest may be an icon)."""
    images = _image_files().filter(private=False).annotate(area=F("width") * F("height"))
    return images.order_by("-area", "-uploaded_on").first()


def _preset_form_data(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {name: request.GET.get(name, "") for name in PRESET_FIELDS}
    data["fit"] = data["fit"] or "cover"
    data["transforms"] = data["transforms"] or "[]"
    data["without_enlargement"] = data["without_enlargement"] in ("true", "on", "1")
    return data


def _first_error(form: forms.BaseForm) -> str:
    field, errors = next(iter(form.errors.items()))
    prefix = "" if field == "__all__" else f"{field}: "
    return f"{prefix}{errors[0]}"
