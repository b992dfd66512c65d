"""Machine translation: the exact LibreTranslate request, its error answers, and the machine draft rule
(an unedited machine draft is published only when a reviewer confirms)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from nguon.accounts.choices import Role
from nguon.core.models import AuditEvent
from nguon.translations import services
from nguon.translations.machine import LibreTranslateEngine, MachineTranslationError
from nguon.translations.models import Translation
from nguon.translations.tests.fake_libretranslate import Reply, running
from nguon.translations.tests.helpers import public_bulletin


def test_request_is_exactly_the_libretranslate_contract() -> None:
    with running() as fake:
        engine = LibreTranslateEngine(fake.url + "/", api_key="khoa-bi-mat")
        out = engine.translate(["Xin chào", "<p>Thông báo</p>"], source="vi", target="en")
    assert out == ["[en] Xin chào", "[en] <p>Thông báo</p>"]
    assert len(fake.requests) == 1
    sent = fake.requests[0]
    assert (sent.method, sent.path) == ("POST", "/translate")
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.body == {
        "q": ["Xin chào", "<p>Thông báo</p>"],
        "source": "vi",
        "target": "en",
        "format": "html",
        "api_key": "khoa-bi-mat",
    }


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(status=403, body={"error": "Invalid API key"}), "khóa truy cập (api_key): Invalid API key"),
        (Reply(status=429, body={"error": "Too many requests"}), "quá tải"),
        (Reply(status=400, body={"error": "en is not supported"}), "từ chối yêu cầu: en is not supported"),
        (Reply(status=500, body=b"<html>oops</html>"), "báo lỗi 500"),
        (Reply(status=200, body=b"not json"), "không đúng định dạng JSON"),
        (Reply(status=200, body={"translatedText": ["only one"]}), "thiếu nội dung"),
    ],
)
def test_error_answers_become_clear_messages(reply: Reply, message: str) -> None:
    with running() as fake:
        fake.script.append(reply)
        engine = LibreTranslateEngine(fake.url)
        with pytest.raises(MachineTranslationError) as caught:
            engine.translate(["a", "b"], source="vi", target="en")
    assert message in caught.value.message
    if reply.status != 200:
        assert caught.value.status == reply.status


def test_timeout_and_unreachable() -> None:
    with running() as fake:
        fake.script.append(Reply(delay=1.0, body={"translatedText": ["x"]}))
        with pytest.raises(MachineTranslationError, match=r"không trả lời sau 0\.2 giây"):
            LibreTranslateEngine(fake.url, timeout=0.2).translate(["x"], source="vi", target="en")
        closed = fake.url
    with pytest.raises(MachineTranslationError, match="Không kết nối được"):
        LibreTranslateEngine(closed, timeout=1).translate(["x"], source="vi", target="en")


def test_ethnic_languages_have_no_engine() -> None:
    with pytest.raises(MachineTranslationError, match="không hỗ trợ"):
        LibreTranslateEngine("http://127.0.0.1:9").translate(["x"], source="vi", target="tay")


@pytest.mark.django_db
def test_machine_draft_needs_an_edit_or_a_reviewer_confirmation(
    make_user: Any,
    province: Any,
    people: Any,
    department: Any,
    bulletin_input: Any,
    commune: Any,
    settings: Any,
) -> None:
    translator = make_user(Role.TRANSLATOR, unit=province)
    live = public_bulletin(people, department, bulletin_input, commune)
    t = services.start_translation(actor=translator, bulletin=live, language="en")

    settings.NGUON_MACHINE_TRANSLATION_URL = ""
    with pytest.raises(ValidationError, match="Chưa cấu hình"):
        services.machine_draft(actor=translator, translation=t)

    with running() as fake:
        settings.NGUON_MACHINE_TRANSLATION_URL = fake.url
        settings.NGUON_MACHINE_TRANSLATION_KEY = "k"
        fake.script.append(Reply(status=503, body={"error": "down"}))
        with pytest.raises(ValidationError, match="báo lỗi 503"):
            services.machine_draft(actor=translator, translation=t)
        t.refresh_from_db()
        assert (t.title, t.is_machine) == ("", False)  # nothing half-written
        services.machine_draft(actor=translator, translation=t)
    assert fake.requests[-1].body["q"] == [
        live.title,
        live.summary,
        "<p>Ủy ban nhân dân tỉnh đề nghị các xã tuyên truyền nội dung Quyết định 614.</p>",
    ]
    assert (fake.requests[-1].body["source"], fake.requests[-1].body["target"]) == ("vi", "en")
    t.refresh_from_db()
    assert (t.is_machine, t.engine, t.source_revision) == (True, "libretranslate", 1)
    assert t.title == f"[en] {live.title}"
    assert t.body.startswith("[en] <p>Ủy ban")

    services.submit_for_review(actor=translator, translation=t)
    with pytest.raises(ValidationError, match="bản dịch máy chưa được người dịch hiệu đính"):
        services.publish(actor=people.approver, translation=t)
    services.publish(actor=people.approver, translation=t, confirm_machine=True)
    event = AuditEvent.objects.get(action="translations.translation.publish", target_id=str(t.pk))
    assert event.after["machine_confirmed"] is True


@pytest.mark.django_db
def test_editing_a_machine_draft_clears_the_flag(
    make_user: Any, province: Any, people: Any, department: Any, bulletin_input: Any, commune: Any
) -> None:
    translator = make_user(Role.TRANSLATOR, unit=province)
    live = public_bulletin(people, department, bulletin_input, commune)
    t = services.start_translation(actor=translator, bulletin=live, language="zh")
    Translation.objects.filter(pk=t.pk).update(
        title="机器", body="<p>机器翻译</p>", body_text="机器翻译", is_machine=True, engine="libretranslate"
    )
    t.refresh_from_db()
    same = services.TranslationText(title="机器", body="<p>机器翻译</p>")
    services.save_draft(actor=translator, translation=t, text=same)
    t.refresh_from_db()
    assert t.is_machine  # saved unchanged: still a machine draft
    services.save_draft(
        actor=translator, translation=t, text=services.TranslationText(title="通知", body="<p>人工校对</p>")
    )
    t.refresh_from_db()
    assert (t.is_machine, t.engine) == (False, "libretranslate")
    services.submit_for_review(actor=translator, translation=t)
    assert services.publish(actor=people.approver, translation=t).status == "published"
