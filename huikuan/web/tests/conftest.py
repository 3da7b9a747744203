import pytest

from huikuan.web.tests.browser import NARROW, WIDE, Visit, launch


@pytest.fixture(scope="session")
def browser():
    yield from launch()


@pytest.fixture(params=[WIDE, NARROW], ids=["1280", "375"])
def visit(request, browser, live_server):
    """A fresh browser context at 1280 and at 375 px wide (the test runs once at each)."""
    opened = Visit(browser, live_server.url, request.param)
    yield opened
    opened.close()
