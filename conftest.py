import pytest
from django.db import connection
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_by_default():
    """Tests assert English messages unless they switch language themselves."""
    with translation.override("en"):
        yield


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (CI runs it)")
