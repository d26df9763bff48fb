"""Include with ``path("assets/", include("directus_assets.urls"))``."""

from django.urls import path

from . import views

app_name = "directus_assets"

urlpatterns = [
    path("<str:file_id>", views.asset, name="asset"),
    path("<str:file_id>/", views.asset),
    path("<str:file_id>/<path:filename>", views.asset, name="asset-named"),
    path("", views.no_route),
]
