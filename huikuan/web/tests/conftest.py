import importlib

import pytest
from django.db import connection

from huikuan.web.tests.browser import NARROW, WIDE, Visit, launch

# the SQLite triggers that keep audit events append-only (audit migration 0004)
APPEND_ONLY = importlib.import_module("huikuan.audit.migrations.0004_audit_append_only")


@pytest.fixture(scope="session")
def browser():
    yield from launch()


@pytest.fixture
def _flushable_audit(transactional_db):
    """A browser test's data must be committed for the server thread to see it, and is flushed
    afterwards. SQLite flushes with DELETE, which the append-only trigger refuses (PostgreSQL
    truncates, which row triggers do not see): the next flush on this connection lifts the trigger
    and puts it back, once."""
    if connection.vendor != "sqlite":
        yield
        return
    operations = connection.ops
    original = operations.execute_sql_flush

    def flush(sql_list):
        del operations.execute_sql_flush  # once: back to the class's own
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        try:
            original(sql_list)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(APPEND_ONLY.SQLITE[1])

    operations.execute_sql_flush = flush
    yield


@pytest.fixture(params=[WIDE, NARROW], ids=["1280", "375"])
def visit(request, _flushable_audit, browser, live_server):
    """A fresh browser context at 1280 and at 375 px wide (the test runs once at each)."""
    opened = Visit(browser, live_server.url, request.param)
    yield opened
    opened.close()
