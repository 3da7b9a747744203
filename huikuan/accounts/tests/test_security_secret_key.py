"""Issue 11 item 6: no public SECRET_KEY with DEBUG off; the embedded install makes its own key."""

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from huikuan.accounts import secret_key

THE_OLD_SOURCE_KEY = "django-insecure-huikuan-development-key-set-SECRET_KEY"
REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("key", [THE_OLD_SOURCE_KEY, "django-insecure-" + "x" * 50])
@pytest.mark.parametrize("deploy", [True, False])
def test_check_refuses_a_public_key_with_debug_off(settings, key, deploy):
    settings.DEBUG = False
    settings.SECRET_KEY = key
    with pytest.raises(SystemCheckError, match="huikuan.accounts.E001"):
        call_command("check", *(["--deploy"] if deploy else []))


def test_check_accepts_the_public_key_in_debug_mode(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = THE_OLD_SOURCE_KEY
    call_command("check")


def test_a_server_refuses_to_start_on_a_public_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = THE_OLD_SOURCE_KEY
    with pytest.raises(ImproperlyConfigured, match="publicly known"):
        WSGIHandler()


def test_a_server_starts_on_a_random_key(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    WSGIHandler()


def test_check_deploy_exits_non_zero_on_the_command_line(tmp_path):
    env = _env(tmp_path, SECRET_KEY=THE_OLD_SOURCE_KEY)
    done = subprocess.run(
        [sys.executable, "-m", "huikuan.manage", "check", "--deploy"], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "huikuan.accounts.E001" in done.stderr


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update({"HUIKUAN_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "huikuan.settings"}, **extra)
    env["PYTHONPATH"] = str(REPO)
    return env


PRINT_KEY = "import huikuan.settings as s; print(s.SECRET_KEY)"


def test_first_run_creates_a_private_random_key_and_reuses_it(tmp_path):
    first = subprocess.run([sys.executable, "-c", PRINT_KEY], env=_env(tmp_path), capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    key = first.stdout.strip()
    assert key == key_file.read_text().strip()
    assert len(key) >= 50
    assert not secret_key.is_insecure(key)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = subprocess.run([sys.executable, "-c", PRINT_KEY], env=_env(tmp_path), capture_output=True, text=True)
    assert again.stdout.strip() == key


def test_processes_starting_together_share_one_key(tmp_path):
    processes = [
        subprocess.Popen([sys.executable, "-c", PRINT_KEY], env=_env(tmp_path), stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    keys = {process.communicate()[0].strip() for process in processes}
    assert keys == {(tmp_path / "secret_key").read_text().strip()}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".secret_key")] == []


def test_the_environment_wins_and_no_file_is_made(tmp_path):
    mine = "e" * 60
    done = subprocess.run(
        [sys.executable, "-c", PRINT_KEY], env=_env(tmp_path, SECRET_KEY=mine), capture_output=True, text=True
    )
    assert done.stdout.strip() == mine
    assert not (tmp_path / "secret_key").exists()


def test_load_or_create_keeps_an_existing_key_and_refuses_a_short_one(tmp_path):
    (tmp_path / "secret_key").write_text("s" * 70 + "\n")
    assert secret_key.load_or_create(tmp_path) == "s" * 70
    (tmp_path / "secret_key").write_text("short")
    with pytest.raises(secret_key.SecretKeyError, match="shorter"):
        secret_key.load_or_create(tmp_path)


def test_many_threads_creating_at_once_agree(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _i: secret_key.load_or_create(tmp_path / "new"), range(32)))
    assert len(keys) == 1
