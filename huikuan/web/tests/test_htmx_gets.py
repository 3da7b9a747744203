"""No template makes an htmx GET that would put the CSRF token in its address: an element that
makes a GET with a form's fields (``hx-include``, or a form itself) must leave the token out with
``hx-params`` ("not csrfmiddlewaretoken", or a list of the names it needs). A GET address ends up
in access logs, the browser's history and the Referer of what follows. The browser records what is
really sent in test_browser_htmx_requests.py."""

import re
from pathlib import Path

import pytest

TOKEN = "csrfmiddlewaretoken"
TEMPLATES = Path(__file__).resolve().parents[2]  # huikuan/: every app's templates/

# a start tag (attributes may span lines)
TAG = re.compile(r"<([a-zA-Z][\w-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")


def attribute(attrs: str, name: str) -> str | None:
    found = re.search(rf"(?<![\w-]){re.escape(name)}\s*=\s*(\"[^\"]*\"|'[^']*')", attrs)
    return found[1][1:-1] if found else None


def sends_the_token(tag: str, attrs: str) -> bool:
    """Whether an element making a GET (htmx) would put a form's fields, the token among them, in
    the address: it includes other elements, or is a form itself, and its hx-params do not leave
    the token out (``not csrfmiddlewaretoken`` or a list of names without it)."""
    if attribute(attrs, "hx-get") is None or (attribute(attrs, "hx-include") is None and tag.lower() != "form"):
        return False
    params = attribute(attrs, "hx-params")
    if params is None or params.strip() == "*":
        return True
    if params.strip() == "none":
        return False
    names = {name.strip() for name in params.strip().removeprefix("not ").split(",")}
    return (TOKEN in names) != params.strip().startswith("not ")


def test_no_template_makes_a_get_with_the_csrf_token():
    offending, checked = [], 0
    for path in sorted(TEMPLATES.glob("*/templates/**/*.html")):
        for found in TAG.finditer(path.read_text()):
            tag, attrs = found[1], found[2]
            if attribute(attrs, "hx-get") is not None:
                checked += 1
            if sends_the_token(tag, attrs):
                offending.append(f"{path.relative_to(TEMPLATES)}: <{tag}{attrs[:120]}…>")
    assert checked >= 4
    assert offending == []


@pytest.mark.parametrize(
    ("tag", "attrs", "sends"),
    [
        ("div", ' hx-get="/x/" hx-include="#f"', True),
        ("form", ' hx-get="/x/"', True),
        ("div", ' hx-get="/x/" hx-include="#f" hx-params="*"', True),
        ("div", ' hx-get="/x/" hx-include="#f" hx-params="amount,csrfmiddlewaretoken"', True),
        ("div", ' hx-get="/x/" hx-include="#f" hx-params="not csrfmiddlewaretoken"', False),
        ("div", ' hx-get="/x/" hx-include="#f" hx-params="not a, csrfmiddlewaretoken"', False),
        ("div", ' hx-get="/x/" hx-include="#f" hx-params="amount,terms"', False),
        ("div", ' hx-get="/x/" hx-include="#f" hx-params="none"', False),
        ("div", ' hx-get="/x/" hx-trigger="load"', False),
        ("div", ' hx-post="/x/" hx-include="#f"', False),
    ],
)
def test_the_template_check_itself(tag, attrs, sends):
    assert sends_the_token(tag, attrs) is sends
