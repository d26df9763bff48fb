import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")
os.environ["EXAMPLE_PROJECT_INTERFACE"] = "asgi"  # read by the settings: no kept connections
application = get_asgi_application()
