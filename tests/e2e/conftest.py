"""Browser-test fixtures: one live app per test process, Debian chromium via Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.live_app import LiveApp

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    # Sweep for past-deadline challenges every second, so a test can watch one close.
    app = LiveApp(
        tmp_path_factory.mktemp("live-app"), extra_env={"HITREC_CHALLENGE_SWEEP_SECONDS": "1"}
    ).start()
    yield app
    app.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_context(browser: Browser, live_app: LiveApp) -> Iterator:
    """Factory for independent browser contexts (separate users), closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**kwargs) -> BrowserContext:
        ctx = browser.new_context(base_url=live_app.url, **kwargs)
        ctx.set_default_timeout(20_000)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
