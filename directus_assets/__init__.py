"""The Directus ``/assets`` endpoint as a reusable Django app."""
