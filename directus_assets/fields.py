"""Point your own models at a :class:`~directus_assets.models.File`.

``cover = AssetForeignKey(null=True, blank=True)`` is a ``ForeignKey`` to File whose form
widget shows the chosen file's thumbnail next to the choice; in the admin, Django's "add"
and "change" links beside it upload a new file or edit the chosen one in a popup.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from .links import asset_path

PREVIEW_PRESET = "system-small-cover"


class AssetWidget(forms.Select):
    """A file choice with a live thumbnail of the chosen file."""

    template_name = "directus_assets/widgets/asset_select.html"

    class Media:
        js = ("directus_assets/asset_widget.js",)
        css = {"all": ("directus_assets/admin.css",)}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # The endpoint's URL with a placeholder id, for the script to fill in on change.
        placeholder = "00000000-0000-0000-0000-000000000000"
        context["widget"]["preview_template"] = asset_path(placeholder, {"key": PREVIEW_PRESET})
        context["widget"]["placeholder"] = placeholder
        chosen = value[0] if isinstance(value, list | tuple) and value else value
        context["widget"]["preview_url"] = (
            context["widget"]["preview_template"].replace(placeholder, str(chosen))
            if chosen
            else ""
        )
        return context


class AssetForeignKey(models.ForeignKey):
    """A ``ForeignKey`` to File (``on_delete=PROTECT`` unless told) with :class:`AssetWidget`."""

    def __init__(
        self,
        to: Any = "directus_assets.File",
        on_delete: Any = models.PROTECT,
        **kwargs: Any,
    ) -> None:
        super().__init__(to, on_delete, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:
        kwargs.setdefault("widget", AssetWidget)
        return super().formfield(**kwargs)
