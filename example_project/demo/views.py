from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from directus_assets.models import File, ThumbnailPreset


def home(request: HttpRequest) -> HttpResponse:
    files = File.objects.order_by("filename_download")
    presets = ThumbnailPreset.objects.all()
    return render(request, "demo/home.html", {"files": files, "presets": presets})
