from django.apps import AppConfig


class DirectusAssetsConfig(AppConfig):
    name = "directus_assets"
    verbose_name = "Assets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, signal_handlers  # noqa: F401  (registers checks and receivers)
