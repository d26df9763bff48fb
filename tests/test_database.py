import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_asked_for():
    expected = "postgresql" if os.environ.get("TEST_DATABASE") == "postgres" else "sqlite"
    assert connection.vendor == expected
    if expected == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            assert cursor.fetchone()[0].startswith("15.")
