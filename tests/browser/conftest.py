"""Session-wide JupyterLab and Chromium for the browser tests (started once each)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Error, Page, sync_playwright

from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS, Hold, JupyterServer

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    server = JupyterServer.start(tmp_path_factory.mktemp("jupyter"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's chromium "
            "(the README's test command installs it; or set TBNB_CHROMIUM)."
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# Uncaught errors in a page fail the test that saw them. An error that JupyterLab or
# Notebook itself is known to raise, and that says nothing about tbnb, is allowed here by
# a pattern (message and where it is thrown) with its reason; nothing else is ignored.
ALLOWED_PAGE_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"^TypeError: Cannot read properties of undefined \(reading 'schema'\)\n"
            r"\s+at [^\n]*/static/notebook/notebook_core\.[0-9a-f]+\.js"
        ),
        # Notebook 7 (7.6.5) throws it from its settings registry's load while it opens
        # any notebook: a notebook holding only `1+1`, with no tbnb, does it too. The
        # page works on (test_hosts' Notebook 7 test runs a cell and sees the board).
        "Notebook 7's own settings load",
    ),
    (
        re.compile(
            r"^Error: Command 'filebrowser:open-path' not registered\.\n"
            r"\s+at [^\n]*/static/notebook/notebook_core\.[0-9a-f]+\.js"
        ),
        # Notebook 7 runs the command while it opens a notebook, before the plugin that
        # registers it has loaded, when the machine is busy (seen with one core kept busy;
        # the board drew all the same). tbnb registers no commands.
        "Notebook 7's startup race on a busy machine",
    ),
]


class PageErrors:
    """The uncaught exceptions (Playwright's "pageerror") of every page of a test."""

    def __init__(self) -> None:
        self.unexpected: list[str] = []
        self.allowed: list[str] = []
        self.reported = 0
        self._pages: list[Page] = []

    def watch(self, page: Page) -> None:
        if any(p is page for p in self._pages):
            return
        self._pages.append(page)
        page.on("pageerror", lambda exc: self._record(page, exc))

    def _record(self, page: Page, exc: Error) -> None:
        # the stack starts with the name and message; some errors come without one
        text = f"{exc.stack or f'{exc.name}: {exc.message}'}\n  (page {page.url})"
        if any(pattern.search(text) for pattern, _ in ALLOWED_PAGE_ERRORS):
            self.allowed.append(text)
        else:
            self.unexpected.append(text)

    def new(self) -> list[str]:
        """The errors not reported yet, after the events the pages sent so far are in."""
        for page in self._pages:
            if not page.is_closed():
                # a round trip: events that the page sent before its answer are delivered
                with contextlib.suppress(Error):
                    page.evaluate("0")
        new = self.unexpected[self.reported :]
        self.reported = len(self.unexpected)
        return new


def page_error_message(errors: list[str]) -> str:
    return f"{len(errors)} uncaught error(s) in the page:\n\n" + "\n\n".join(errors)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test that passed fails when one of its pages threw; one that failed says so too."""
    try:
        result = yield
    except BaseException:
        errors = getattr(item, "page_errors", None)
        if errors is not None and errors.unexpected:
            item.add_report_section("call", "page errors", page_error_message(errors.new()))
        raise
    errors = getattr(item, "page_errors", None)
    if errors is not None and (new := errors.new()):
        pytest.fail(page_error_message(new), pytrace=False)
    if errors is not None and errors.allowed:
        # kept in the report (pytest -rA shows it), not dropped
        item.add_report_section("call", "allowed page errors", "\n\n".join(errors.allowed))
    return result


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    errors = PageErrors()
    request.node.page_errors = errors
    context.on("page", errors.watch)  # pages the test opens later (popups, new_page)
    page = context.new_page()
    errors.watch(page)
    page.js_errors = errors.unexpected  # type: ignore[attr-defined]
    yield page
    late = errors.new()  # thrown after the test's body ended
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.errors.txt").write_text("\n\n".join(errors.unexpected))
    context.close()
    if "jupyter" in request.fixturenames:
        request.getfixturevalue("jupyter").close_sessions()
    if late and not (rep is not None and rep.failed):
        pytest.fail(page_error_message(late), pytrace=False)


@pytest.fixture
def hold(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hold]:
    """A hold on a notebook cell (see Hold), released when the test ends, however it ends."""
    held = Hold(tmp_path_factory.mktemp("hold"))  # not in a logdir the test writes
    yield held
    held.release()
