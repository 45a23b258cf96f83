"""Browser tests: Python Playwright (sync API) driving Debian's Chromium against pytest-django's
live server. No browser is ever downloaded: the executable is the system's /usr/bin/chromium."""

import os
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in this thread; the ORM calls of the tests (and of the
# live server sharing SQLite's in-memory connection) are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """A factory of pages, each in its own context (cookies), desktop-sized unless told. A
    JavaScript error on any page fails the test."""
    contexts = []
    errors: list[str] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], errors


@pytest.fixture
def page(new_page: Any) -> Any:
    return new_page(viewport={"width": 1280, "height": 900})


@pytest.fixture
def demo(live_server: Any, audit_purge_permit: Any) -> Any:
    """The live server with the demo enterprise loaded (the same data `make run` shows)."""
    call_command("demo_data", stdout=StringIO())
    return live_server


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


@pytest.fixture(scope="module")
def demo_site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[LiveServer]:
    """The demo enterprise, loaded once, served by a live server for the whole module."""
    name = str(connection.settings_dict["NAME"])
    assert "memory" in name or name.startswith("test_"), f"not a test database: {name}"
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_purge_permit")
        server = None
        try:
            call_command("demo_data", stdout=StringIO())
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            yield server
        finally:
            if server is not None:
                server._live_server_modified_settings.disable()
                server.stop()
            # Leave the database empty for the tests after this module (audit rows need a permit).
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO audit_purge_permit (reason) VALUES ('test flush')")
            call_command("flush", interactive=False, verbosity=0)
            # Playwright's greenlets give this fixture a connection of its own (Django's connections
            # are per context): close it, or PostgreSQL refuses to drop the test database.
            connection.close()
