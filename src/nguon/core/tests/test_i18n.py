"""The English catalogue: the UI is Vietnamese by default, English on request, and the catalogue is complete.

The .po file is read with the small parser below (no extra dependency); the committed .mo is checked against
a fresh ``msgfmt`` build of the .po by comparing what the two catalogues translate, not their bytes.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOGIN_URL = "/accounts/login/"
ENGLISH_SIGN_IN = "Sign in"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalogue_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete ``#~`` entries are left out; the header is the entry with msgid "")."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # the field that a continuation line "..." extends

    def close() -> None:
        nonlocal entry, target
        if entry is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            close()
            continue
        if line.startswith("#"):
            if target is not None:  # comments precede the fields, so this one opens the next entry
                close()
            entry = entry or Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith('"'):
            if entry is None or target is None:
                raise AssertionError(f"{path}:{number}: text outside an entry")
            _append(entry, target, ast.literal_eval(line))
            continue
        keyword, _, literal = line.partition(" ")
        if keyword in {"msgctxt", "msgid"} and target is not None and target[0] == "msgstr":
            close()  # the next entry, without a blank line in between
        entry = entry or Entry(line=number)
        if keyword in {"msgctxt", "msgid", "msgid_plural"}:
            setattr(entry, keyword, "")
            target = (keyword, 0)
        elif plural := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            target = ("msgstr", int(plural.group(1)))
        elif keyword == "msgstr":
            target = ("msgstr", 0)
        else:
            raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
        _append(entry, target, ast.literal_eval(literal))
    close()
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    else:
        setattr(entry, name, getattr(entry, name) + text)


def _header(entries: list[Entry]) -> dict[str, str]:
    header = next(e for e in entries if e.is_header)
    pairs = (line.partition(":") for line in header.msgstr[0].splitlines() if line)
    return {key.strip(): value.strip() for key, _, value in pairs}


@pytest.fixture(scope="module")
def po_path() -> Path:
    path = _catalogue_dir() / "django.po"
    assert path.is_file(), f"{path} is missing: run 'nguon makemessages -l en --no-obsolete' from src/nguon"
    return path


@pytest.fixture(scope="module")
def entries(po_path: Path) -> list[Entry]:
    return read_po(po_path)


@pytest.fixture(autouse=True)
def _default_language_afterwards() -> Iterator[None]:
    """LocaleMiddleware activates the request's language; leave the next test on the default one."""
    yield
    translation.deactivate()


# -- pages -----------------------------------------------------------------------------------------------


def test_login_page_is_vietnamese_by_default(client, db):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "Đăng nhập" in html
    assert ENGLISH_SIGN_IN not in html


def test_browser_language_does_not_override_vietnamese(client, db):
    """Officials often run English Windows/Chrome; Vietnamese stays the default until they choose."""
    response = client.get(LOGIN_URL, headers={"accept-language": "en-US,en;q=0.9"})

    assert 'lang="vi"' in response.content.decode()
    assert "Đăng nhập" in response.content.decode()


def test_chosen_english_translates_templates_and_forms(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    assert ENGLISH_SIGN_IN in html
    assert "Đăng nhập" not in html
    assert "Username" in html  # a gettext_lazy form label, not only template text


def test_language_switch_persists_across_requests(client, db):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_URL})
    assert switched.status_code == 302
    assert switched["Location"] == LOGIN_URL

    html = client.get(LOGIN_URL).content.decode()
    assert 'lang="en"' in html
    assert ENGLISH_SIGN_IN in html
    assert "Đăng nhập" not in html

    client.post("/i18n/setlang/", {"language": "vi", "next": LOGIN_URL})
    html = client.get(LOGIN_URL).content.decode()
    assert 'lang="vi"' in html
    assert "Đăng nhập" in html


# -- catalogue -------------------------------------------------------------------------------------------


def test_po_reader_handles_wrapped_and_plural_entries(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.html:1\n#, fuzzy, python-format\nmsgid ""\n"Hai "\n"dòng"\nmsgstr "Two lines"\n'
        '#: b.html:2\nmsgid "%(n)s lỗi"\nmsgid_plural "%(n)s lỗi"\nmsgstr[0] "%(n)s error"\nmsgstr[1] ""\n\n'
        '#~ msgid "cũ"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )

    header, wrapped, plural = read_po(po)

    assert header.is_header
    assert _header([header]) == {"Language": "en"}
    assert (wrapped.msgid, wrapped.msgstr, wrapped.flags) == (
        "Hai dòng",
        {0: "Two lines"},
        {"fuzzy", "python-format"},
    )
    assert (plural.msgid_plural, plural.msgstr) == ("%(n)s lỗi", {0: "%(n)s error", 1: ""})


def test_po_header_declares_english_utf8_and_two_plural_forms(entries):
    header = _header(entries)

    assert header["Language"] == "en"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "fuzzy" not in next(e for e in entries if e.is_header).flags


def test_po_has_no_untranslated_or_fuzzy_entries(entries, po_path):
    messages = [e for e in entries if not e.is_header]
    assert messages, f"{po_path} has no messages"

    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in messages if "fuzzy" in e.flags]
    untranslated = [
        f"line {e.line}: {e.msgid!r}"
        for e in messages
        if (sorted(e.msgstr) != ([0, 1] if e.msgid_plural is not None else [0]))
        or not all(text.strip() for text in e.msgstr.values())
    ]
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)


def test_po_translations_keep_every_placeholder(entries):
    wrong = [
        f"line {e.line}: {e.msgid!r} → {text!r}"
        for e in entries
        if not e.is_header
        for text in e.msgstr.values()
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e.msgid))
    ]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_mo_is_compiled_from_the_current_po(entries, po_path, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed")
    committed_path = po_path.with_suffix(".mo")
    assert committed_path.is_file(), f"{committed_path} is missing: run 'nguon compilemessages -l en'"
    fresh_path = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh_path), str(po_path)], check=True)

    with committed_path.open("rb") as committed_file, fresh_path.open("rb") as fresh_file:
        committed = gettext.GNUTranslations(committed_file)
        fresh = gettext.GNUTranslations(fresh_file)

    assert committed.info().get("plural-forms") == fresh.info().get("plural-forms")
    stale = [
        f"line {e.line}: {e.msgid!r} (n={n}): .mo has {old!r}, .po has {new!r}"
        for e in entries
        if not e.is_header
        for n in ((1, 2) if e.msgid_plural is not None else (1,))
        if (old := _translate(committed, e, n)) != (new := _translate(fresh, e, n))
    ]
    assert not stale, "django.mo is out of date; run 'nguon compilemessages -l en':\n" + "\n".join(stale)


def _translate(catalogue: gettext.GNUTranslations, entry: Entry, n: int) -> str:
    if entry.msgid_plural is None:
        if entry.msgctxt is None:
            return catalogue.gettext(entry.msgid)
        return catalogue.pgettext(entry.msgctxt, entry.msgid)
    if entry.msgctxt is None:
        return catalogue.ngettext(entry.msgid, entry.msgid_plural, n)
    return catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
