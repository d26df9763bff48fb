"""A site's own model pointing at a File, as a site adopting directus_assets would write it."""

from django.db import models

from directus_assets.fields import AssetForeignKey


class Article(models.Model):
    title = models.CharField(max_length=200)
    cover = AssetForeignKey(null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return self.title
