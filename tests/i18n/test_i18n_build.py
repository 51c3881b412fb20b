"""The translation tooling: lupdate/lrelease pipeline and the --check mode."""

from __future__ import annotations

import shutil
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

import pytest

from app.i18n import build

SAMPLE = """
from PySide6.QtCore import QCoreApplication, QObject


class WaitingRoom(QObject):
    def retranslate_ui(self, n):
        self.title = self.tr("Waiting room")
        self.count = self.tr("%Ln participant(s) waiting", "", n)
        self.share = self.tr("Share", "share screen button")


def hint():
    return QCoreApplication.translate("Hints", "Raise hand")
"""

AR: dict[tuple[str, str, str], str | list[str]] = {
    ("WaitingRoom", "Waiting room", ""): "غرفة الانتظار",
    ("WaitingRoom", "%Ln participant(s) waiting", ""): [
        "لا أحد في الانتظار",
        "مشارك واحد في الانتظار",
        "مشاركان في الانتظار",
        "%Ln مشاركين في الانتظار",
        "%Ln مشاركًا في الانتظار",
        "%Ln مشارك في الانتظار",
    ],
    ("WaitingRoom", "Share", "share screen button"): "مشاركة الشاشة",
    ("Hints", "Raise hand", ""): "رفع اليد",
}
EN: dict[tuple[str, str, str], str | list[str]] = {
    ("WaitingRoom", "%Ln participant(s) waiting", ""): [
        "%Ln participant waiting",
        "%Ln participants waiting",
    ],
}


def fill(ts_file: Path, table: Mapping[tuple[str, str, str], str | list[str]]) -> None:
    """Translate a .ts file the way a translator would (and mark the messages done)."""
    tree = ET.parse(ts_file)
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source") or "", message.findtext("comment") or "")
            translation = message.find("translation")
            assert translation is not None
            if key not in table:
                continue
            value = table[key]
            translation.attrib.pop("type", None)
            if isinstance(value, list):
                for form, text in zip(translation.iter("numerusform"), value, strict=True):
                    form.text = text
            else:
                translation.text = value
    tree.write(ts_file, encoding="utf-8", xml_declaration=True)


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    """A small app/ with translatable strings, built and fully translated."""
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / "panel.py").write_text(SAMPLE, encoding="utf-8")
    tr_dir = tmp_path / "translations"
    todo = build.build(app_dir, tr_dir)
    assert any("unfinished" in item for item in todo)  # fresh messages are to translate
    fill(tr_dir / "liqaa_ar.ts", AR)
    fill(tr_dir / "liqaa_en.ts", EN)
    assert build.build(app_dir, tr_dir) == []
    assert build.check(app_dir, tr_dir) == []
    return app_dir, tr_dir


def test_committed_translations_pass_the_check() -> None:
    assert build.check() == []
    assert build.main(["--check"]) == 0


def test_lupdate_extracts_tr_translate_and_numerus(project: tuple[Path, Path]) -> None:
    _, tr_dir = project
    language, messages = build.read_ts(tr_dir / "liqaa_ar.ts")
    assert language == "ar"
    assert 'sourcelanguage="en"' in (tr_dir / "liqaa_ar.ts").read_text(encoding="utf-8")
    by_key = {m.key: m for m in messages}
    assert set(by_key) == set(AR)
    numerus = by_key[("WaitingRoom", "%Ln participant(s) waiting", "")]
    assert numerus.numerus and len(numerus.forms) == 6 and numerus.state is None
    assert not by_key[("Hints", "Raise hand", "")].numerus
    # English catalogue: plural messages only, two forms.
    language, en_messages = build.read_ts(tr_dir / "liqaa_en.ts")
    assert language == "en"
    assert [(m.key, len(m.forms)) for m in en_messages] == [
        (("WaitingRoom", "%Ln participant(s) waiting", ""), 2)
    ]
    assert (tr_dir / "liqaa_ar.qm").stat().st_size > 0


def test_check_reports_unfinished_message(project: tuple[Path, Path]) -> None:
    app_dir, tr_dir = project
    ts = tr_dir / "liqaa_ar.ts"
    ts.write_text(
        ts.read_text(encoding="utf-8").replace(
            "<translation>رفع اليد</translation>",
            '<translation type="unfinished">رفع اليد</translation>',
        ),
        encoding="utf-8",
    )
    problems = build.check(app_dir, tr_dir)
    assert any("'Raise hand'" in p and "unfinished" in p for p in problems), problems
    assert any("liqaa_ar.qm: out of date" in p for p in problems), problems
    assert build.main(["--check", "--app-dir", str(app_dir), "--translations-dir", str(tr_dir)])


def test_check_reports_source_string_missing_from_ts(project: tuple[Path, Path]) -> None:
    app_dir, tr_dir = project
    (app_dir / "chat.py").write_text(
        textwrap.dedent(
            """
            from PySide6.QtCore import QObject

            class ChatPanel(QObject):
                def retranslate_ui(self):
                    return self.tr("Chat")
            """
        ),
        encoding="utf-8",
    )
    problems = build.check(app_dir, tr_dir)
    assert "liqaa_ar.ts: ChatPanel: 'Chat': in the sources but not in the file" in problems
    # The committed files are left as they were.
    assert "Chat" not in (tr_dir / "liqaa_ar.ts").read_text(encoding="utf-8")


def test_check_reports_vanished_message(project: tuple[Path, Path]) -> None:
    app_dir, tr_dir = project
    panel = app_dir / "panel.py"
    panel.write_text(panel.read_text().replace('"Raise hand"', '"Lower hand"'))
    problems = build.check(app_dir, tr_dir)
    assert any("'Raise hand'" in p and "vanished" in p for p in problems), problems
    assert any("'Lower hand'" in p and "not in the file" in p for p in problems), problems


def test_check_reports_missing_arabic_plural_forms(project: tuple[Path, Path]) -> None:
    app_dir, tr_dir = project
    ts = tr_dir / "liqaa_ar.ts"
    text = ts.read_text(encoding="utf-8")
    for form in AR[("WaitingRoom", "%Ln participant(s) waiting", "")][3:]:
        text = text.replace(f"<numerusform>{form}</numerusform>", "")
    ts.write_text(text, encoding="utf-8")
    problems = build.check(app_dir, tr_dir)
    assert any("has 3 plural forms, needs 6" in p for p in problems), problems


def test_check_reports_empty_translation_and_lost_argument(project: tuple[Path, Path]) -> None:
    app_dir, tr_dir = project
    panel = app_dir / "panel.py"
    panel.write_text(panel.read_text() + '\nQCoreApplication.translate("Hints", "%1 joined")\n')
    build.build(app_dir, tr_dir)
    fill(tr_dir / "liqaa_ar.ts", {("Hints", "%1 joined", ""): "انضم"})  # %1 dropped
    ts = tr_dir / "liqaa_ar.ts"
    ts.write_text(ts.read_text(encoding="utf-8").replace("غرفة الانتظار", ""), encoding="utf-8")
    build.build(app_dir, tr_dir)
    problems = build.check(app_dir, tr_dir)
    assert any("'%1 joined'" in p and "lacks %1" in p for p in problems), problems
    assert any("'Waiting room'" in p and "empty translation" in p for p in problems), problems


def test_check_reports_stale_or_missing_qm(project: tuple[Path, Path]) -> None:
    app_dir, tr_dir = project
    (tr_dir / "liqaa_en.qm").unlink()
    qm = tr_dir / "liqaa_ar.qm"
    qm.write_bytes(qm.read_bytes()[:-4])
    problems = build.check(app_dir, tr_dir)
    assert "liqaa_en.qm: missing (run python -m app.i18n.build)" in problems
    assert any(p.startswith("liqaa_ar.qm: out of date") for p in problems), problems


def test_check_reports_calls_lupdate_cannot_extract(project: tuple[Path, Path]) -> None:
    app_dir, tr_dir = project
    (app_dir / "bad.py").write_text(
        textwrap.dedent(
            """
            from PySide6.QtCore import QCoreApplication, QObject

            class Bad(QObject):
                def retranslate_ui(self, name, n):
                    self.tr(f"Hello {name}")
                    self.tr("%Ln hand(s) raised", "", n=n)
                    QCoreApplication.translate("Hints", "Raise hand")
                    self.tr("Lower hand")
            """
        ),
        encoding="utf-8",
    )
    problems = build.check(app_dir, tr_dir)
    assert any("bad.py:6: tr() text must be a string literal" in p for p in problems), problems
    assert any("bad.py:7: pass the count" in p for p in problems), problems
    # lupdate 6.12 files "Lower hand" under "QCoreApplication.self", not "Bad".
    assert any(
        "bad.py:9: lupdate did not extract 'Lower hand' under context 'Bad'" in p for p in problems
    ), problems


def test_check_on_broken_copy_of_committed_files(tmp_path: Path) -> None:
    """The real catalogues, copied and damaged: the check must notice."""
    tr_dir = tmp_path / "translations"
    shutil.copytree(build.TRANSLATIONS_DIR, tr_dir)
    ts = tr_dir / "liqaa_ar.ts"
    text = ts.read_text(encoding="utf-8")
    assert "<translation>الإنجليزية</translation>" in text
    ts.write_text(
        text.replace(
            "<translation>الإنجليزية</translation>",
            '<translation type="unfinished"></translation>',
        ),
        encoding="utf-8",
    )
    problems = build.check(build.APP_DIR, tr_dir)
    assert "liqaa_ar.ts: Language: 'English': unfinished" in problems
    assert "liqaa_ar.ts: Language: 'English': empty translation" in problems
