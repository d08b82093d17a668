"""The page at `/`, driven in headless Chromium (Debian's `chromium` and `chromium-driver`,
never a browser a tool downloads) against the app served on a free 127.0.0.1 port.

Outside CI a missing browser skips these tests with a message; with CI set it fails them, so
that CI cannot pass without having run them. The screenshot of the page on seed 000 is made
here too, when asked:

    SEGMENTER_UI_SCREENSHOT=docs/ui.png python -m pytest tests/test_ui.py -k screenshot
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from werkzeug.serving import make_server

from conftest import SEEDS
from segmenter.web import create_app

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.chrome.webdriver import WebDriver
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # reported by the `browser` fixture, as a skip or (in CI) a failure
    webdriver = None  # type: ignore[assignment]

SEED_000 = (SEEDS / "000_bd983b188d7b8a72.txt").read_text(encoding="utf-8")
SEED_002 = (SEEDS / "002_0b1dbd43aa0014da.txt").read_text(encoding="utf-8")
HEADLINE_002 = "South Korea demands North Korea pulls its troops out of Russia immediately"
MAX_BYTES = 20_000  # small, so that a 413 takes a paste of a few pages, not of 10 MB
WAIT = 20  # seconds: the most any step may take before the test fails
# The flags a closed network needs: without them Chromium keeps trying to reach Google.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--window-size=1280,1000",
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(what: str) -> NoReturn:
    message = f"{what}: the browser tests need Debian's chromium and chromium-driver"
    if _in_ci():
        pytest.fail(message + " (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The app in a thread on a free loopback port. Werkzeug's server: the page is the subject
    here, not the production server, which tests/test_serve.py covers."""
    server = make_server("127.0.0.1", 0, create_app({"max_bytes": MAX_BYTES}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    if webdriver is None:
        _unavailable("selenium is not installed")
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    driver_path = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not chromium or not driver_path:
        _unavailable(f"chromium ({chromium}) or chromedriver ({driver_path}) not found")
    options = webdriver.ChromeOptions()
    # Both paths given: Selenium Manager has nothing to look up, so nothing is downloaded.
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver, base_url: str) -> WebDriver:
    """The page freshly loaded, its console emptied of what earlier tests left there."""
    browser.set_window_size(1280, 1000)
    browser.get(base_url + "/")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    browser_log(browser)
    return browser


def browser_log(driver: WebDriver) -> list[dict[str, Any]]:
    """The console's entries since the last call (goog:loggingPrefs), and so empties it."""
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return entries


def console_errors(driver: WebDriver, allowed_status: int | None = None) -> list[str]:
    """The console's errors since the last call. Chromium logs an answer of 4xx to a fetch
    as a network error even when the page handles it: that one, for a problem the test
    provoked on purpose, is allowed."""
    errors = []
    for entry in browser_log(driver):
        if entry["level"] != "SEVERE":
            continue
        message = entry["message"]
        expected = (
            allowed_status is not None
            and entry.get("source") == "network"
            and "/segment?explain=1" in message
            and f"status of {allowed_status}" in message
        )
        if not expected:
            errors.append(message)
    return errors


def paste(driver: WebDriver, text: str) -> None:
    """What a paste does: the textarea's value replaced, an input event fired."""
    driver.execute_script(
        "const t = document.getElementById('text'); t.value = arguments[0];"
        "t.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}));",
        text,
    )


def segment(driver: WebDriver) -> None:
    driver.find_element(By.ID, "go").click()
    wait_for_answer(driver)


def wait_for_answer(driver: WebDriver) -> None:
    # The button is disabled from the submit until the answer is drawn (the page does that
    # before the click returns), so an answer from an earlier run cannot pass for this one.
    def shown(d: WebDriver) -> bool:
        return bool(
            d.find_element(By.ID, "go").is_enabled()
            and (
                d.find_element(By.ID, "result").is_displayed()
                or d.find_element(By.ID, "problem").is_displayed()
            )
        )

    try:
        WebDriverWait(driver, WAIT).until(shown)
    except TimeoutException:
        status = driver.find_element(By.ID, "status").text
        raise AssertionError(f"no result and no problem shown; status: {status!r}") from None


def row(driver: WebDriver, line: int) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f'#lines .row[data-line="{line}"]')


def badge(driver: WebDriver, line: int) -> str:
    return str(row(driver, line).find_element(By.CLASS_NAME, "badge").text).lower()


def chips(driver: WebDriver, list_id: str) -> dict[str, str]:
    out = {}
    for chip in driver.find_elements(By.CSS_SELECTOR, f"#{list_id} .chip"):
        label = chip.find_elements(By.CLASS_NAME, "chip-label")
        count = chip.find_elements(By.CLASS_NAME, "chip-count")
        if label and count:
            out[label[0].text] = count[0].text
    return out


def problem_of(base_url: str, data: bytes) -> dict[str, Any]:
    """The problem the service itself answers for this body, to compare the page with."""
    req = urllib.request.Request(
        base_url + "/segment?explain=1", data=data, headers={"Content-Type": "text/plain"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(req, timeout=WAIT)
    problem: dict[str, Any] = json.loads(caught.value.read())
    return problem


def test_page_is_served_offline_with_its_assets(page: WebDriver, base_url: str) -> None:
    assert page.title.startswith("segmenter")
    with urllib.request.urlopen(base_url + "/", timeout=WAIT) as r:
        policy = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    # Every asset the page loaded came from the app itself.
    loaded = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    icon = page.find_element(By.CSS_SELECTOR, "link[rel=icon]").get_attribute("href")
    urls = [*loaded, icon]
    assert urls and all(u.startswith(base_url + "/") for u in urls), urls
    for url in urls:
        with urllib.request.urlopen(url, timeout=WAIT) as r:
            assert r.status == 200
    link = page.find_element(By.CSS_SELECTOR, "a[href='openapi.json']")
    assert link.get_attribute("href") == base_url + "/openapi.json"
    assert console_errors(page) == []


def test_seed_002_shows_every_line_with_its_role(page: WebDriver) -> None:
    paste(page, SEED_002)
    segment(page)
    assert page.find_element(By.ID, "result").is_displayed()
    assert page.find_element(By.ID, "r-title").text == HEADLINE_002
    assert badge(page, 3) == "title" and row(page, 3).text.count(HEADLINE_002) == 1
    assert badge(page, 5) == "body"
    assert "SOUTH Korea demanded today" in row(page, 5).text
    assert badge(page, 1) == badge(page, 2) == "removed: navigation"
    assert badge(page, 41) == "removed: advert"
    assert "Ad slot F - article bottom" in row(page, 41).text
    # every input line has its row, blank ones included, numbered as the service numbers them
    numbers = [r.get_attribute("data-line") for r in page.find_elements(By.CSS_SELECTOR, ".row")]
    assert numbers == [str(n) for n in range(1, 42)]
    assert chips(page, "r-reasons") == {"navigation": "2", "advert": "1"}
    assert chips(page, "r-roles")["body"] == "18"
    assert page.find_element(By.ID, "r-language").text.startswith("en ")
    assert len(page.find_element(By.ID, "r-fingerprint").text) == 16
    assert console_errors(page) == []


def test_hover_and_focus_show_the_rule_and_score(page: WebDriver) -> None:
    paste(page, SEED_002)
    segment(page)
    why = row(page, 3).find_element(By.CLASS_NAME, "why")
    # the pointer away from the lines first: a previous test may have left it anywhere
    ActionChains(page).move_to_element(page.find_element(By.TAG_NAME, "h1")).perform()
    assert not why.is_displayed()
    ActionChains(page).move_to_element(row(page, 3)).perform()
    WebDriverWait(page, WAIT).until(lambda d: why.is_displayed())
    # The score is the model's: it moves with every retraining, its form does not.
    assert re.fullmatch(r"title: rule best-title-candidate · model score -?\d+\.\d+", why.text)
    ActionChains(page).move_to_element(page.find_element(By.ID, "r-title")).perform()
    # the keyboard: one tab stop into the list, then the arrow keys, skipping blank lines
    row(page, 1).click()
    row(page, 1).send_keys(Keys.ARROW_DOWN)
    row(page, 2).send_keys(Keys.ARROW_DOWN)
    focused = page.switch_to.active_element
    assert focused.get_attribute("data-line") == "3"
    assert focused.find_element(By.CLASS_NAME, "why").is_displayed()
    focused.send_keys(Keys.ARROW_DOWN)
    assert page.switch_to.active_element.get_attribute("data-line") == "5"
    text = row(page, 41).find_element(By.CLASS_NAME, "why").get_attribute("textContent")
    assert text == "removed: rule ad-slot"
    assert console_errors(page) == []


def test_empty_paste_shows_the_422_problem(page: WebDriver, base_url: str) -> None:
    expected = problem_of(base_url, b"")
    segment(page)
    box = page.find_element(By.ID, "problem")
    assert box.is_displayed() and not page.find_element(By.ID, "result").is_displayed()
    assert expected["title"] in box.text and "422" in box.text
    assert expected["detail"] in box.text
    assert console_errors(page, allowed_status=422) == []


def test_too_large_paste_shows_the_413_problem(page: WebDriver, base_url: str) -> None:
    paste(page, SEED_002 * 7)  # 24 kB, over the 20 kB this app allows
    segment(page)
    box = page.find_element(By.ID, "problem")
    assert box.is_displayed() and "Content Too Large (413)" in box.text
    assert f"{MAX_BYTES}-byte limit" in box.text
    # the page recovers: the next good paste shows a result and hides the problem
    paste(page, SEED_002)
    segment(page)
    assert not box.is_displayed() and page.find_element(By.ID, "result").is_displayed()
    assert console_errors(page, allowed_status=413) == []


def tab_to(driver: WebDriver, element_id: str) -> WebElement:
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(12):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.switch_to.active_element
        if focused.get_attribute("id") == element_id:
            return focused
    raise AssertionError(f"#{element_id} not reached with the Tab key")


def test_keyboard_alone_gets_a_result_with_visible_focus(page: WebDriver) -> None:
    tab_to(page, "text").send_keys("\n".join(SEED_002.splitlines()[:9]))
    button = tab_to(page, "go")
    assert button.value_of_css_property("outline-style") != "none"
    button.send_keys(Keys.ENTER)
    wait_for_answer(page)
    assert page.find_element(By.ID, "r-title").text == HEADLINE_002
    # Ctrl+Enter in the textarea does the same
    paste(page, SEED_002)
    page.find_element(By.ID, "text").send_keys(Keys.CONTROL, Keys.ENTER)
    WebDriverWait(page, WAIT).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".row")) == 41)
    assert console_errors(page) == []


def test_html_file_is_posted_as_html(page: WebDriver, tmp_path: Path) -> None:
    story = "".join(f"<p>{line}</p>" for line in SEED_002.splitlines()[4:20:2])
    markup = (
        "<html><head><title>Troops</title></head><body><nav><a href='/'>Home</a> "
        f"<a href='/news'>News</a></nav><article><h1>{HEADLINE_002}</h1>{story}</article>"
        "<footer>© 2024 The Paper. All rights reserved.</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(markup, encoding="utf-8")
    page.find_element(By.ID, "file").send_keys(str(path))
    WebDriverWait(page, WAIT).until(
        lambda d: d.find_element(By.ID, "text").get_attribute("value") == markup
    )
    html_radio = page.find_element(By.CSS_SELECTOR, "input[name=format][value='text/html']")
    assert html_radio.is_selected()
    segment(page)
    assert page.find_element(By.ID, "r-title").text == HEADLINE_002
    assert "source: html" in page.find_element(By.ID, "r-lines").text
    assert "The input was HTML" in page.find_element(By.ID, "r-note").text
    badges = [b.text.lower() for b in page.find_elements(By.CSS_SELECTOR, ".row .badge")]
    assert badges.count("title") == 1 and badges.count("body") >= 5
    assert "<p>" not in page.find_element(By.ID, "lines").text
    assert console_errors(page) == []


def test_file_not_in_utf8_is_sent_as_bytes(page: WebDriver, tmp_path: Path) -> None:
    """A Latin-1 file: the page cannot show its lines exactly, so it posts the bytes for the
    service to decode and draws the pieces of the answer instead."""
    story = (
        "Le conseil municipal approuve la digue après dix ans de débats\n\n"
        "Le conseil municipal a voté mardi la construction d'une digue à l'entrée de l'estuaire, "
        "après une décennie de disputes sur son coût et ses effets sur la flotte de pêche.\n\n"
        "La digue coûtera environ 240 millions d'euros et devrait être achevée à la fin de 2029, "
        "selon les documents de planification du conseil lui-même.\n"
    )
    path = tmp_path / "page.txt"
    path.write_bytes(story.encode("latin-1"))
    page.find_element(By.ID, "file").send_keys(str(path))
    WebDriverWait(page, WAIT).until(
        lambda d: "\ufffd" in str(d.find_element(By.ID, "text").get_attribute("value"))
    )
    segment(page)
    assert "pieces of the answer" in page.find_element(By.ID, "r-note").text
    assert "Le conseil municipal a voté mardi" in row(page, 3).text  # decoded by the service
    assert page.find_element(By.ID, "r-language").text.startswith("fr ")
    assert console_errors(page) == []


def test_headline_prefix_and_suffix_are_named(page: WebDriver) -> None:
    paste(
        page,
        "Home » World » Troops leave the border after the talks in Geneva | The Daily Paper\n\n"
        "The troops left the border on Tuesday after two days of talks in Geneva between the "
        "two governments, officials said.\nBoth sides agreed to meet again next month to "
        "settle the remaining questions of the ceasefire line.\n",
    )
    segment(page)
    title = row(page, 1)
    headline = "Troops leave the border after the talks in Geneva"
    assert title.find_element(By.CSS_SELECTOR, "mark.headline").text == headline
    assert "prefix Home » World »" in title.find_element(By.CLASS_NAME, "parts").text
    assert "suffix | The Daily Paper" in title.find_element(By.CLASS_NAME, "parts").text
    assert console_errors(page) == []


def test_copy_button_copies_the_json(page: WebDriver) -> None:
    paste(page, SEED_002)
    segment(page)
    page.find_element(By.ID, "copy").click()
    WebDriverWait(page, WAIT).until(
        lambda d: d.find_element(By.ID, "status").text.startswith("Copied the JSON")
    )
    assert console_errors(page) == []


def test_seed_000_teasers_split_off_and_screenshot(page: WebDriver) -> None:
    """Seed 000: no headline, the story, then four teasers of other articles, each with its
    kicker marked and called truncated. The screenshot for the README is this page."""
    paste(page, SEED_000)
    segment(page)
    assert page.find_element(By.ID, "r-title").text == "none found"
    assert badge(page, 1) == "body" and badge(page, 17) == "body"
    assert badge(page, 4) == "removed: credit"
    kickers = ["TAIWAN-FRIENDLY", "CORRECT IDENTIFICATION", "AT RISK", "UNITED FRONT"]
    for n, (line, kicker) in enumerate(zip(range(18, 22), kickers, strict=True), start=1):
        assert badge(page, line) == f"teaser {n}"
        marked = row(page, line).find_element(By.CSS_SELECTOR, "mark.kicker").text
        assert kicker in marked
        assert "truncated yes" in row(page, line).find_element(By.CLASS_NAME, "parts").text
    assert chips(page, "r-roles")["teasers (4 lines)"] == "4"
    assert console_errors(page) == []

    target = os.environ.get("SEGMENTER_UI_SCREENSHOT")
    if target:
        # The whole page in one window, from the top, with the first teaser line's
        # explanation on show as a reader hovering it sees it.
        height = page.execute_script("return document.documentElement.scrollHeight")
        page.set_window_size(1280, int(height) + 140)  # the window's frame takes some
        page.execute_script("window.scrollTo(0, 0)")
        ActionChains(page).move_to_element(row(page, 18)).perform()
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        assert page.save_screenshot(target)
