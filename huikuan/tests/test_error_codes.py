"""Every error code comes from an enum (core.errors.CoreErrorCode or an app's errors.py), never a
string typed at the raise: a typo would otherwise reach API clients as a new code. Read from the
source with ``ast``; tests and migrations aside."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
# callables whose first argument is an error code
RAISERS = {"DomainError", "NotPermitted", "IdempotencyKeyReused", "_fail"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def literal_codes(source: str) -> list[tuple[int, str]]:
    """(line, code) of every error code written as a string literal: the first argument of a
    raiser, or the value of a "code" key in a dict (an API error body)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) in RAISERS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, first.value))
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "code"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    found.append((node.lineno, value.value))
    return found


def test_no_error_code_is_a_bare_string():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        offenders += [f"{path.relative_to(PACKAGE)}:{line}: {code}" for line, code in literal_codes(path.read_text())]
    assert offenders == []


def test_the_check_sees_a_bare_code():
    source = 'raise DomainError("oops", "x")\nbody = {"code": "conflict"}\nraise DomainError(Code.OK, "x")\n'
    assert literal_codes(source) == [(1, "oops"), (2, "conflict")]
