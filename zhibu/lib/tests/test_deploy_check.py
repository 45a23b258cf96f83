"""Production settings pass Django's deployment checklist (`check --deploy`), and refuse to load
without a secret key. Each check runs in a fresh process with production environment variables,
so neither pytest nor the test settings leak in."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

CHECK = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]


def run_check(*, command: list[str] = CHECK, **environment: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("ZHIBU_", "DJANGO_"))}
    env.update(environment, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_it_passes_the_deployment_checklist_with_production_settings() -> None:
    result = run_check(
        ZHIBU_DEBUG="0", ZHIBU_SECRET_KEY=secrets.token_urlsafe(64), ZHIBU_ALLOWED_HOSTS="zhibu.example.cn"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_fails_the_checklist_with_a_weak_secret_key() -> None:
    # The check above has teeth: a short key is a warning, and warnings fail.
    result = run_check(ZHIBU_DEBUG="0", ZHIBU_SECRET_KEY="short-key", ZHIBU_ALLOWED_HOSTS="zhibu.example.cn")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_it_refuses_to_load_production_settings_without_a_secret_key() -> None:
    result = run_check(ZHIBU_DEBUG="0", ZHIBU_ALLOWED_HOSTS="zhibu.example.cn")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "生产环境必须设置环境变量 ZHIBU_SECRET_KEY" in result.stderr


def test_maintenance_commands_run_without_the_secret_key() -> None:
    """migrate, makemigrations, the imports and reminders sign nothing: an operator runs them without
    the serving environment (only serving and the deployment check need the secret)."""
    command = [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"]
    result = run_check(command=command, ZHIBU_DEBUG="0")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
