"""A bulletin's whole journey in a real browser, one browser context per person.

The department contributor writes a bulletin with an audio attachment for xã Định Hóa and submits it;
the editorial board appraises it; the provincial approver signs in with TOTP and approves it; the
commune operator finds it in the commune inbox and accepts it. The bulletin's timeline and the audit
trail then show every step with the username of the person who took it.

The server is the one the core end-to-end test starts (``nguon start`` on its own SQLite file after
``migrate``, ``units import`` and ``demo load``); its fixtures are reused here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from nguon.core.tests.test_browser_e2e import (  # noqa: F401 - browser and server are fixtures
    Server,
    _new_context,
    browser,
    server,
    sign_in,
)

pytestmark = pytest.mark.browser

if shutil.which("ffmpeg") is None:
    pytest.skip("ffmpeg is installed by scripts/setup-os.sh", allow_module_level=True)

TITLE = "Thông báo lịch tiêm vắc-xin sởi cho trẻ em tháng 12"
CATEGORY = "Thiên tai, cứu hộ, cứu nạn, cháy nổ, dịch bệnh"
AUDIO_NAME = "thong-bao-tiem-soi.mp3"
CONTRIBUTOR = "so.vhttdl"
BOARD = "bbt.tinh"
APPROVER = "pheduyet.tinh"
OPERATOR = "dinhhoa.vanhanh"
AUDITOR = "kiemtra"


@pytest.fixture(scope="module")
def mp3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audio") / AUDIO_NAME
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=660:duration=2",
            "-ac",
            "1",
            "-q:a",
            "7",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


@pytest.fixture
def person(browser: Browser, server: Server) -> Iterator[dict[str, Page]]:  # noqa: F811 - fixtures
    """A fresh browser context (own cookies) for each person, signed in on first use."""
    contexts: list[BrowserContext] = []

    class People(dict[str, Page]):
        def __missing__(self, username: str) -> Page:
            context = _new_context(browser, server)
            contexts.append(context)
            page = context.new_page()
            sign_in(page, username)
            self[username] = page
            return page

    pages = People()
    yield pages
    for context in contexts:
        context.close()


def _status(page: Page) -> None:
    expect(page.get_by_role("status")).to_be_visible()


def _write_bulletin(page: Page, mp3: Path) -> str:
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Bản tin", exact=True
    ).click()
    page.get_by_role("link", name="Soạn bản tin").click()
    expect(page.get_by_role("heading", name="Soạn bản tin", level=1)).to_be_visible()
    page.get_by_label("Tiêu đề", exact=True).fill(TITLE)
    page.get_by_label("Tóm tắt", exact=True).fill("Trạm y tế các xã tiêm vắc-xin sởi miễn phí.")

    editor = page.get_by_role("textbox", name="Nội dung")
    expect(editor).to_be_visible()  # the rich-text editor replaced the plain textarea
    editor.click()
    page.keyboard.type("Trạm y tế xã Định Hóa tiêm vắc-xin sởi cho trẻ từ 1 đến 5 tuổi vào sáng thứ Bảy.")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Đậm", exact=True).click()
    page.keyboard.type("Phụ huynh mang theo sổ tiêm chủng.")

    page.get_by_label("Lĩnh vực", exact=True).select_option(label=CATEGORY)
    page.get_by_label("Mức ưu tiên", exact=True).select_option(label="Thông thường")
    page.get_by_label("Phạm vi gửi", exact=True).select_option(label="Các xã, phường được chọn")
    finder = page.get_by_role("searchbox", name="Gõ để tìm xã, phường, thôn, tổ dân phố")
    finder.fill("dinh hoa")  # without diacritics
    targets = page.get_by_label("Đơn vị nhận tin", exact=True)
    expect(targets.locator("option", has_text="Phường Phan Đình Phùng")).to_be_hidden()
    targets.select_option(label="Xã Định Hóa")
    page.get_by_label("Cổng thông tin", exact=True).check()
    page.get_by_label("Hiệu lực từ", exact=True).fill("2026-12-01T07:00")
    page.get_by_role("button", name="Lưu bản nháp").click()

    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu bản nháp.")
    expect(page.locator(".body-html strong, .body-html b")).to_have_text("Phụ huynh mang theo sổ tiêm chủng.")
    meta = page.get_by_role("region", name="Thông tin")
    expect(meta).to_contain_text("Sở Văn hóa, Thể thao và Du lịch")
    expect(meta).to_contain_text("Xã Định Hóa")
    expect(meta).to_contain_text("01/12/2026 07:00")
    bulletin_url = page.url

    attachments = page.get_by_role("region", name="Tệp đính kèm")
    page.get_by_label("Tệp cần tải lên", exact=True).set_input_files(str(mp3))
    attachments.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Đã đính kèm tệp {AUDIO_NAME}")
    player = page.get_by_role("region", name="Tệp đính kèm").locator("audio")
    expect(player).to_have_attribute("src", re.compile(r"^/content/b/\d+/files/\d+/$"))
    page.wait_for_function("document.querySelector('#attachments audio').readyState >= 1")
    duration = page.evaluate("document.querySelector('#attachments audio').duration")
    assert 1.5 < duration < 2.5, f"the browser could not read the attached MP3 (duration {duration})"

    page.get_by_role("button", name="Gửi duyệt", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi duyệt.")
    expect(page.locator("h1 + p .badge").first).to_have_text("Chờ thẩm định")
    return bulletin_url


def _open_from_queue(page: Page) -> None:
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Việc chờ tôi", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Việc chờ tôi", level=1)).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()


def test_department_bulletin_from_writing_to_the_commune_schedule(
    person: dict[str, Page],
    mp3: Path,
    server: Server,  # noqa: F811 - fixture
) -> None:
    # 1. The department contributor writes, attaches the audio and submits.
    writer = person[CONTRIBUTOR]
    bulletin_url = _write_bulletin(writer, mp3)
    bulletin_path = re.sub(r"^https?://[^/]+", "", bulletin_url)

    # 2. The editorial board appraises it from its work queue.
    board = person[BOARD]
    _open_from_queue(board)
    expect(board.get_by_role("button", name="Phê duyệt và phát hành")).to_have_count(0)
    board.get_by_label("Ý kiến thẩm định (không bắt buộc)").fill("Nội dung đúng, đủ.")
    board.get_by_role("button", name="Thẩm định đạt").click()
    expect(board.get_by_role("status")).to_contain_text("Đã thẩm định")

    # 3. The provincial approver (TOTP at sign-in) approves; the bulletin is distributed.
    approver = person[APPROVER]
    _open_from_queue(approver)
    approver.get_by_label("Ý kiến phê duyệt (không bắt buộc)").fill("Đồng ý phát hành.")
    approver.get_by_role("button", name="Phê duyệt và phát hành").click()
    expect(approver.get_by_role("status")).to_contain_text("Đã phê duyệt")
    expect(approver.locator("h1 + p .badge").first).to_have_text("Đã phát hành")
    deliveries = approver.get_by_role("region", name="Phát hành theo kênh")
    expect(deliveries.locator("tbody tr")).to_have_count(2)  # radio to the commune, portal once
    expect(deliveries).to_contain_text("Đài truyền thanh")
    expect(deliveries).to_contain_text("Cổng thông tin")

    # 4. The commune operator finds it in the inbox, listens to the attachment and accepts it.
    operator = person[OPERATOR]
    operator.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Tin đến của xã", exact=True
    ).click()
    expect(operator.get_by_role("heading", name="Tin đến của xã", level=1)).to_be_visible()
    operator.get_by_role("link", name=TITLE).click()
    expect(operator.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(operator.locator(".body-html")).to_contain_text("tiêm vắc-xin sởi cho trẻ từ 1 đến 5 tuổi")
    expect(operator.locator("audio")).to_have_attribute(
        "src", re.compile(r"^/content/inbox/\d+/files/[0-9a-f]{64}/$")
    )
    operator.get_by_role("button", name="Nhận vào lịch phát").click()
    expect(operator.get_by_role("status")).to_contain_text(f"Đã nhận vào lịch phát: {TITLE}")
    expect(operator.get_by_role("region", name="Quyết định của xã")).to_contain_text("Đã nhận vào lịch phát.")
    assert operator.request.get(bulletin_path).status == 404  # the provincial bulletin itself is out of scope

    # 5. The bulletin's timeline shows every step with the person who took it.
    writer.goto(bulletin_path)
    steps = writer.get_by_role("region", name="Quá trình xử lý").locator("li")
    for username, label in (
        (CONTRIBUTOR, "Tạo bản tin"),
        (CONTRIBUTOR, "Thêm tệp đính kèm"),
        (CONTRIBUTOR, "Gửi duyệt"),
        (BOARD, "Thẩm định đạt"),
        (APPROVER, "Phê duyệt"),
        (OPERATOR, "Xã nhận vào lịch phát"),
    ):
        expect(steps.filter(has_text=username).filter(has_text=label).first).to_be_visible()
    expect(steps.filter(has_text=BOARD)).to_contain_text("Nội dung đúng, đủ.")
    decisions = writer.get_by_role("region", name="Quyết định của các xã")
    expect(decisions.locator("tbody tr", has_text="Xã Định Hóa")).to_contain_text(OPERATOR)

    # 6. So does the audit trail, for the province's auditor.
    auditor = person[AUDITOR]
    auditor.goto("/audit/")
    auditor.get_by_label("Hành động", exact=True).fill("content.")
    auditor.get_by_role("button", name="Lọc", exact=True).click()
    rows = auditor.locator("table tbody tr").filter(has_text=TITLE)  # not the demo's own bulletins
    for username, action in (
        (CONTRIBUTOR, "content.bulletin.create"),
        (CONTRIBUTOR, "content.bulletin.submit"),
        (BOARD, "content.bulletin.appraise"),
        (APPROVER, "content.bulletin.approve"),
        (OPERATOR, "content.inbox.accept"),
    ):
        expect(rows.filter(has_text=action).filter(has_text=username).first).to_be_visible()
