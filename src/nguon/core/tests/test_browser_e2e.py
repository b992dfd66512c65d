"""End to end in a real browser: Debian Chromium, driven by Playwright, against a real Nguồn.

The server is started the way ``make run`` starts it (migrate, ``units import``, ``demo load``,
``nguon start``) on its own SQLite file in a temporary folder, so nothing here touches the pytest-django
test database. Stopping it with SIGINT checks that Ctrl-C ends ``nguon start`` and its gunicorn cleanly.
"""

from __future__ import annotations

import contextlib
import gettext
import os
import re
import signal
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from nguon.accounts.choices import Role
from nguon.core import access
from nguon.core.access import ROLE_ACTIONS, ROLES_REQUIRING_2FA
from nguon.demo.data import COMMUNE, OTHER_COMMUNE, PROVINCE, USERS
from nguon.demo.totp import demo_totp_secret

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
if not CHROMIUM.exists():
    _why = f"{CHROMIUM} is not installed (apt-get install chromium); browser tests need Debian Chromium"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{_why} and CI=true", pytrace=False)
    pytest.skip(_why, allow_module_level=True)

BIN = Path(sys.executable).parent
NGUON = BIN / "nguon"
PASSWORD = os.environ.get("NGUON_DEMO_PASSWORD", "nguon-demo-2026")
EN_CATALOGUE = Path(access.__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.mo"
EDITOR = "dinhhoa.bientap"  # commune editor of Xã Định Hóa
DASHBOARD_URL = re.compile(r"^http://127\.0\.0\.1:\d+/$")
ROLE_OF = {username: role for username, _name, role, _unit, _org in USERS}

# The main navigation (nguon.core.navigation): label -> action that shows it (None: everyone signed in).
NAV: dict[str, str | tuple[str, ...] | None] = {
    "Tổng quan": None,
    "Đơn vị hành chính": access.UNITS_VIEW,
    "Tổ chức": access.ORGANISATIONS_VIEW,
    "Việc chờ tôi": access.CONTENT_VIEW,
    "Bản tin": access.CONTENT_VIEW,
    "Tin đến của xã": access.CONTENT_RECEIVE,
    "Chiến dịch tuyên truyền": access.CONTENT_VIEW,
    "Tìm kiếm": access.CONTENT_VIEW,
    "Đọc văn bản": access.SPEECH_USE,
    "Đài truyền thanh": access.BROADCAST_OPERATE,
    "Phát khẩn cấp": access.BROADCAST_EMERGENCY,
    "Nhật ký phát thanh": access.BROADCAST_OPERATE,
    "Thiết bị": access.DEVICES_VIEW,
    "Bảng tin điện tử": access.BOARDS_MANAGE,
    "Phản ánh, kiến nghị": access.FEEDBACK_HANDLE,
    "Bản dịch": (access.TRANSLATIONS_WRITE, access.TRANSLATIONS_PUBLISH),
    "Bình luận": access.COMMENTS_MODERATE,
    "Kênh phát hành ngoài": access.OUTBOUND_OPERATE,
    "Thống kê, báo cáo": access.REPORTS_VIEW,
    "Đề án 614": access.REPORTS_VIEW,
    "Đồng bộ trung ương": access.CENTRALSYNC_MANAGE,
    "Nhật ký kiểm toán": access.AUDIT_VIEW,
    "Quản trị": access.ADMIN_SITE,
    "Cổng thông tin công khai": None,
}

# The label of each navigation entry, without the "sắp có" (coming) tag of modules not built yet.
_NAV_LABELS_JS = """items => items.map(li => {
  const first = li.firstElementChild.cloneNode(true);
  first.querySelectorAll('small').forEach(s => s.remove());
  return first.textContent.trim();
})"""


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    data_dir: Path
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _health(url: str) -> int | None:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - local http
            return int(response.status)
    except (urllib.error.URLError, OSError):
        return None


def _leftover_pids(port: int) -> list[int]:
    """Processes still bound to our port by command line (the gunicorn master and workers)."""
    found = subprocess.run(["pgrep", "-f", f"127.0.0.1:{port}"], capture_output=True, text=True, check=False)
    return [int(pid) for pid in found.stdout.split()]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("nguon-e2e")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NGUON_") and k != "DATABASE_URL"}
    env |= {
        "NGUON_ENV": "development",
        "NGUON_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'e2e.sqlite3'}",
        "NGUON_DEMO_PASSWORD": PASSWORD,
    }
    for argv in (["migrate", "--no-input", "-v0"], ["units", "import"], ["demo", "load"]):
        done = subprocess.run(
            [str(NGUON), *argv], env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, f"nguon {' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}"

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(NGUON),
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-banner",
                "--workers",
                "1",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so we can check the group is gone at the end
        )
    try:
        deadline = time.monotonic() + 30
        while _health(url) != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nguon start did not become healthy at {url}/healthz:\n{log.read_text()}")
            time.sleep(0.2)
        yield Server(url=url, port=port, data_dir=data_dir, log=log)
    finally:
        problems: list[str] = []
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # what Ctrl-C sends
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                problems.append("nguon start did not stop within 15 s of SIGINT")
                process.kill()
                process.wait()
        if process.returncode != 0:
            problems.append(f"nguon start exited with {process.returncode} after SIGINT, expected 0")
        try:
            os.killpg(process.pid, 0)
            problems.append(f"process group {process.pid} of nguon start is still alive")
        except ProcessLookupError:
            pass
        leftovers = _leftover_pids(port)
        if leftovers:
            problems.append(f"gunicorn processes left on port {port}: {leftovers}")
            for pid in leftovers:  # started (indirectly) by this fixture
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        assert not problems, "\n".join(problems) + f"\n--- server log ---\n{log.read_text()}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _new_context(browser: Browser, server: Server, **options: object) -> BrowserContext:
    # A Vietnamese browser: the language must come from Nguồn's default or the selector, not en-US.
    context = browser.new_context(base_url=server.url, locale="vi-VN", **options)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def context(browser: Browser, server: Server) -> Iterator[BrowserContext]:
    context = _new_context(browser, server)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    if ROLE_OF[username] in ROLES_REQUIRING_2FA:
        expect(page).to_have_url(re.compile(r"/accounts/login/verify/$"))
        expect(page.get_by_role("heading", name="Xác thực hai lớp")).to_be_visible()
        page.get_by_label("Mã xác thực 6 số").fill(pyotp.TOTP(demo_totp_secret(username)).now())
        page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(page).to_have_url(DASHBOARD_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def residential_table(page: Page) -> Locator:
    return page.locator("section[aria-labelledby=res-h] table")


# -- 1. the login page --------------------------------------------------------------------------------


def test_login_page_in_vietnamese_and_wrong_password(page: Page) -> None:
    page.goto("/accounts/login/")
    title = page.title()
    assert "Đăng nhập" in title
    assert title == unicodedata.normalize("NFC", title), "the title is not NFC: diacritics were mangled"
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập", level=1)).to_be_visible()
    username = page.get_by_label("Tên đăng nhập", exact=True)
    password = page.get_by_label("Mật khẩu", exact=True)
    expect(username).to_have_attribute("name", "username")
    expect(username).to_have_attribute("autocomplete", "username")
    expect(password).to_have_attribute("type", "password")

    username.fill("khach")
    password.fill("sai-mat-khau-roi")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_label("Mật khẩu", exact=True)).to_have_value("")  # never echoed back


# -- 2. every demo account, with its navigation --------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "full_name", "role"),
    [(u, n, r) for u, n, r, _unit, _org in USERS],
    ids=[u[0] for u in USERS],
)
def test_demo_account_signs_in_and_sees_its_navigation(
    page: Page, tmp_path: Path, username: str, full_name: str, role: str
) -> None:
    sign_in(page, username)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Xin chào, {full_name}")
    expect(page.get_by_role("region", name="Vai trò của bạn")).to_contain_text(str(Role(role).label))
    expect(page.locator("body")).not_to_contain_text("chưa xác thực hai lớp")

    allowed = ROLE_ACTIONS[role]
    expected = {
        label
        for label, action in NAV.items()
        if action is None or (action in allowed if isinstance(action, str) else set(action) & allowed)
    }
    denied = set(NAV) - expected
    assert len(expected) >= 2, f"the navigation map gives {role} too little to check"
    assert denied, f"the navigation map denies {role} nothing"
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    shown = set(nav.locator("li").evaluate_all(_NAV_LABELS_JS))
    assert expected <= shown, f"{username} ({role}) misses {sorted(expected - shown)}"
    assert not denied & shown, f"{username} ({role}) wrongly sees {sorted(denied & shown)}"
    for label in ("Tổng quan", "Đơn vị hành chính"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    audit_link = nav.get_by_role("link", name="Nhật ký kiểm toán", exact=True)
    admin_link = nav.get_by_role("link", name="Quản trị", exact=True)
    expect(audit_link).to_have_count(1 if access.AUDIT_VIEW in allowed else 0)
    expect(admin_link).to_have_count(1 if role == Role.SYSTEM_ADMIN else 0)

    if role == Role.SYSTEM_ADMIN:
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        print(f"\n[nguon] dashboard screenshot: {shot}")  # noqa: T201
    if access.AUDIT_VIEW in allowed:
        audit_link.click()
        expect(page.get_by_role("heading", name="Nhật ký kiểm toán", level=1)).to_be_visible()
        # Sign-ins are placed at the person's unit, so a provincial auditor sees them too.
        own_login = page.locator("table tbody tr", has_text="accounts.login").filter(has_text=username)
        expect(own_login.first).to_be_visible()
        page.get_by_label("Hành động", exact=True).fill("organisations.")
        page.get_by_role("button", name="Lọc", exact=True).click()
        expect(page).to_have_url(re.compile(r"action=organisations"))
        expect(page.locator("table tbody")).to_contain_text("organisations.create")
        expect(page.locator("table tbody")).not_to_contain_text("accounts.")


# -- 3. scoped access to residential units --------------------------------------------------------------


def test_commune_editor_sees_and_edits_only_own_commune(page: Page) -> None:
    sign_in(page, EDITOR)
    page.goto(f"/units/u/{PROVINCE}/{COMMUNE}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Định Hóa")
    expect(residential_table(page)).to_contain_text("Trung Kiên")
    expect(residential_table(page)).to_contain_text("Làng Quặng")
    expect(page.get_by_role("heading", name="Nhập từ tệp")).to_be_visible()
    expect(page.get_by_label("Tệp CSV hoặc XLSX")).to_be_visible()

    page.goto(f"/units/u/{PROVINCE}/{OTHER_COMMUNE}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phan Đình Phùng")
    expect(page.locator("main")).not_to_contain_text("Tổ dân phố 1")
    expect(page.locator("main")).not_to_contain_text("Tổ dân phố 2")
    expect(page.locator("main form")).to_have_count(0)
    expect(page.get_by_label("Tệp CSV hoặc XLSX")).to_have_count(0)

    page.goto(f"/units/u/{PROVINCE}/{COMMUNE}/")
    page.get_by_label("Mã", exact=True).fill("TDP09")
    page.get_by_label("Tên", exact=True).fill("Thử Nghiệm")
    page.get_by_label("Loại", exact=True).select_option(label="Tổ dân phố")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu thôn, tổ dân phố.")
    row = residential_table(page).locator("tr", has_text="TDP09")
    expect(row).to_contain_text("Tổ dân phố Thử Nghiệm")


# -- 4. an all-or-nothing import with per-row errors ---------------------------------------------------


def test_residential_import_rejects_bad_file_with_row_errors(page: Page) -> None:
    sign_in(page, EDITOR)
    page.goto(f"/units/u/{PROVINCE}/{COMMUNE}/")
    csv_file = "ma,ten,loai\nTDP20,Đồng Tâm,tổ dân phố\nTDP21,Sai Loại,xxx\nTDP22,,thôn\n".encode()
    page.get_by_label("Tệp CSV hoặc XLSX").set_input_files(
        {"name": "thon-to-dan-pho.csv", "mimeType": "text/csv", "buffer": csv_file}
    )
    page.get_by_role("button", name="Nhập", exact=True).click()

    errors = page.get_by_role("alert")
    expect(errors.get_by_role("heading")).to_have_text("2 lỗi — chưa nhập dòng nào")
    rows = errors.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("3")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("loai")
    expect(rows.nth(0).locator("td").nth(2)).to_contain_text("xxx")
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("4")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("ten")
    expect(rows.nth(1).locator("td").nth(2)).to_contain_text("Thiếu tên")

    expect(residential_table(page)).not_to_contain_text("Đồng Tâm")
    page.goto(f"/units/u/{PROVINCE}/{COMMUNE}/")
    expect(residential_table(page)).to_contain_text("Trung Kiên")
    expect(residential_table(page)).not_to_contain_text("Đồng Tâm")
    expect(residential_table(page)).not_to_contain_text("TDP20")


# -- 5. the language selector ----------------------------------------------------------------------------


def test_language_selector_switches_to_english(page: Page) -> None:
    if not EN_CATALOGUE.exists():
        pytest.skip(f"the English catalogue {EN_CATALOGUE} is not compiled yet (make messages)")
    with EN_CATALOGUE.open("rb") as mo:
        english = gettext.GNUTranslations(mo)
    sign_in_en = english.gettext("Đăng nhập")
    username_en = english.gettext("Tên đăng nhập")
    assert sign_in_en != "Đăng nhập", "the English catalogue does not translate 'Đăng nhập'"

    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    with page.expect_navigation():
        page.locator("#lang").select_option("en")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title(re.compile(re.escape(sign_in_en)))
    expect(page.get_by_role("heading", level=1)).to_have_text(sign_in_en)
    expect(page.get_by_label(username_en, exact=True)).to_be_visible()
    expect(page.locator("#lang")).to_have_value("en")


# -- 6. a phone ----------------------------------------------------------------------------------------


def test_dashboard_fits_a_phone_and_menu_opens(browser: Browser, server: Server, tmp_path: Path) -> None:
    context = _new_context(browser, server, viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        sign_in(page, EDITOR)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"the dashboard scrolls sideways on a phone ({width}px wide)"
        nav = page.get_by_role("navigation", name="Điều hướng chính")
        units_link = nav.get_by_role("link", name="Đơn vị hành chính", exact=True)
        expect(units_link).to_be_hidden()
        nav.locator("label", has_text="Menu").click()
        expect(units_link).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        page.screenshot(path=str(tmp_path / "dashboard-phone.png"), full_page=True)
        units_link.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Đơn vị hành chính")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"the units list scrolls sideways on a phone ({width}px wide)"
    finally:
        context.close()
