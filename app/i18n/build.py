"""Translation tooling: ``python -m app.i18n.build [--check]``.

Without options: run ``pyside6-lupdate`` over every ``.py`` file in ``app/`` to update
``translations/liqaa_ar.ts`` (all messages) and ``translations/liqaa_en.ts`` (numerus
messages only: English needs just its singular/plural forms), dropping vanished
messages, then ``pyside6-lrelease`` to write ``liqaa_ar.qm`` and ``liqaa_en.qm``. The
``.ts`` and ``.qm`` files are committed. Translate new messages (Qt Linguist:
``pyside6-linguist translations/liqaa_ar.ts``, or any editor) and run it again.

``--check`` changes nothing and exits 1 if any of these is found:

1. a message in the sources that is missing from a committed ``.ts`` file;
2. a message of ``liqaa_ar.ts`` that is unfinished, empty, vanished or obsolete (and
   any numerus message of ``liqaa_en.ts`` in that state);
3. a numerus message of ``liqaa_ar.ts`` without its six Arabic plural forms (or of
   ``liqaa_en.ts`` without two), or a translation that drops a ``%1``-style argument;
4. a ``.qm`` file missing or different from what ``lrelease`` makes of the ``.ts`` now;
5. a ``tr()``/``translate()`` call that lupdate cannot extract the way PySide looks it up
   at run time: an f-string or computed text, ``n=`` passed by keyword, or a message
   lupdate filed under another context (lupdate 6.12's Python parser does that to a
   ``self.tr()`` statement right after a bare ``QCoreApplication.translate()`` one), or
   a call with a count that lupdate filed without plural forms (lupdate 6.11 does that
   to ``QCoreApplication.translate(context, text, "", n)`` unless ``n`` is a literal).
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = [
    "APP_DIR",
    "LANGUAGE_FILES",
    "PLURAL_FORMS",
    "TRANSLATIONS_DIR",
    "Message",
    "build",
    "check",
    "main",
    "read_ts",
    "source_files",
]

APP_DIR: Final = Path(__file__).resolve().parent.parent
TRANSLATIONS_DIR: Final = APP_DIR.parent / "translations"
SOURCE_LANGUAGE: Final = "en"
#: Languages with a catalogue, and how many plural forms Qt uses for each.
PLURAL_FORMS: Final = {"ar": 6, "en": 2}
LANGUAGE_FILES: Final = {lang: f"liqaa_{lang}.ts" for lang in PLURAL_FORMS}
_ARG_RE: Final = re.compile(r"%(\d{1,2})")
_APPLICATION_CLASSES: Final = {"QCoreApplication", "QGuiApplication", "QApplication"}


class ToolError(RuntimeError):
    """lupdate or lrelease is missing or failed."""


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    comment: str
    numerus: bool
    #: None (finished), "unfinished", "vanished" or "obsolete".
    state: str | None
    #: The translation, or one entry per plural form for numerus messages.
    forms: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.context, self.source, self.comment)

    def label(self) -> str:
        comment = f" [{self.comment}]" if self.comment else ""
        return f"{self.context}: {self.source!r}{comment}"


# -- tools ------------------------------------------------------------------------------


def _tool(name: str) -> str:
    """Path of a Qt linguist tool shipped with PySide6 (``lupdate``, ``lrelease``)."""
    try:
        import PySide6

        bundled = Path(PySide6.__file__).resolve().parent / name
        if bundled.is_file():
            return str(bundled)
    except ImportError:  # pragma: no cover - PySide6 is a dependency
        pass
    for candidate in (f"pyside6-{name}", name):
        found = shutil.which(candidate, path=str(Path(sys.executable).parent)) or shutil.which(
            candidate
        )
        if found:
            return found
    raise ToolError(f"cannot find {name} (install PySide6)")


def _run(args: Sequence[str]) -> str:
    proc = subprocess.run(list(args), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise ToolError(
            f"{Path(args[0]).name} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )
    return proc.stdout + proc.stderr


def source_files(app_dir: Path = APP_DIR) -> list[Path]:
    """Every ``.py`` file under ``app_dir``, sorted (caches skipped)."""
    return sorted(p for p in app_dir.rglob("*.py") if "__pycache__" not in p.parts)


def _lupdate(sources: Sequence[Path], ts_file: Path, language: str, *, no_obsolete: bool) -> str:
    args = [
        _tool("lupdate"),
        "-locations",
        "none",
        "-source-language",
        SOURCE_LANGUAGE,
        "-target-language",
        language,
    ]
    if no_obsolete:
        args.append("-no-obsolete")
    if language == SOURCE_LANGUAGE:
        args.append("-pluralonly")
    args += [str(p) for p in sources]
    args += ["-ts", str(ts_file)]
    return _run(args)


def _lrelease(ts_file: Path, qm_file: Path) -> str:
    # -nounfinished: a guess lupdate carried over from a similar text, or a translation
    # still being worked on, never reaches users (they see the English instead).
    args = [_tool("lrelease"), "-silent", "-nounfinished", str(ts_file), "-qm", str(qm_file)]
    return _run(args)


# -- reading .ts files ------------------------------------------------------------------


def read_ts(ts_file: Path) -> tuple[str | None, list[Message]]:
    """The ``language`` attribute and the messages of a Qt ``.ts`` file."""
    root = ET.parse(ts_file).getroot()
    messages: list[Message] = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            numerus = message.get("numerus") == "yes"
            state = None if translation is None else translation.get("type")
            if translation is None:
                forms: tuple[str, ...] = ("",)
            elif numerus:
                forms = tuple(f.text or "" for f in translation.iter("numerusform"))
            else:
                forms = (translation.text or "",)
            messages.append(
                Message(
                    context=name,
                    source=message.findtext("source") or "",
                    comment=message.findtext("comment") or "",
                    numerus=numerus,
                    state=state,
                    forms=forms,
                )
            )
    return root.get("language"), messages


# -- scanning the Python sources --------------------------------------------------------


def _dotted_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return _dotted_name(node.value) + "." + node.attr
    return ""


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_computed_text(node: ast.expr) -> bool:
    """f-strings, concatenation, % or .format(): text lupdate can't see as it will be."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


class _TrScanner(ast.NodeVisitor):
    """Collects the (context, source, comment) of each tr()/translate() call as PySide
    will look it up at run time, and the calls lupdate cannot extract correctly."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.classes: list[str] = []
        self.expected: list[tuple[tuple[str, str, str], str]] = []
        #: The messages of calls that pass a count (plural forms expected).
        self.numerus: set[tuple[str, str, str]] = set()
        self.problems: list[str] = []

    def _where(self, node: ast.AST) -> str:
        return f"{self.path}:{getattr(node, 'lineno', '?')}"

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "tr"
            and isinstance(func.value, ast.Name)
        ):
            if func.value.id in ("self", "cls"):
                self._tr(node)
        elif isinstance(func, ast.Attribute) and func.attr == "translate":
            owner = _dotted_name(func.value).rsplit(".", 1)[-1]
            if owner in _APPLICATION_CLASSES:
                self._translate(node, first=0)
        elif isinstance(func, ast.Name) and func.id in ("QT_TRANSLATE_NOOP", "QT_TRANSLATE_NOOP3"):
            self._translate(node, first=0)
        self.generic_visit(node)

    def _check_keywords(self, node: ast.Call) -> None:
        if any(k.arg == "n" for k in node.keywords):
            self.problems.append(
                f"{self._where(node)}: pass the count of a numerus message positionally "
                f"(lupdate ignores n=...)"
            )

    def _tr(self, node: ast.Call) -> None:
        self._check_keywords(node)
        if not node.args:
            return
        text_node = node.args[0]
        text = _literal(text_node)
        if text is None:
            if _is_computed_text(text_node):
                self.problems.append(
                    f"{self._where(node)}: tr() text must be a string literal "
                    f"(use %1 placeholders and .replace/.arg after tr())"
                )
            return
        if not self.classes:
            self.problems.append(f"{self._where(node)}: self.tr() outside a class")
            return
        comment = _literal(node.args[1]) if len(node.args) > 1 else None
        key = (self.classes[-1], text, comment or "")
        self.expected.append((key, self._where(node)))
        if len(node.args) > 2:
            self.numerus.add(key)

    def _translate(self, node: ast.Call, first: int) -> None:
        self._check_keywords(node)
        args = node.args[first:]
        if len(args) < 2:
            return
        context, text = _literal(args[0]), _literal(args[1])
        if text is None and _is_computed_text(args[1]):
            self.problems.append(
                f"{self._where(node)}: translate() text must be a string literal "
                f"(use %1 placeholders and .replace/.arg after translating)"
            )
            return
        if context is None or text is None:
            return  # translate(ctx, variable): the strings are marked elsewhere (NOOP)
        comment = _literal(args[2]) if len(args) > 2 else None
        key = (context, text, comment or "")
        self.expected.append((key, self._where(node)))
        if len(args) > 3:
            self.numerus.add(key)


def _scan_sources(
    sources: Sequence[Path],
) -> tuple[list[tuple[tuple[str, str, str], str]], list[str], set[tuple[str, str, str]]]:
    expected: list[tuple[tuple[str, str, str], str]] = []
    problems: list[str] = []
    numerus: set[tuple[str, str, str]] = set()
    for path in sources:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (SyntaxError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot parse ({exc})")
            continue
        scanner = _TrScanner(path)
        scanner.visit(tree)
        expected += scanner.expected
        problems += scanner.problems
        numerus |= scanner.numerus
    return expected, problems, numerus


# -- checks -----------------------------------------------------------------------------


def _translation_problems(lang: str, messages: list[Message], ts_name: str) -> Iterator[str]:
    forms_needed = PLURAL_FORMS[lang]
    for m in messages:
        where = f"{ts_name}: {m.label()}"
        if m.state in ("vanished", "obsolete"):
            yield f"{where}: {m.state} (no longer in the sources; run the build)"
            continue
        if lang == SOURCE_LANGUAGE and not m.numerus:
            continue  # English catalogue: only plural forms matter
        if m.state == "unfinished":
            yield f"{where}: unfinished"
        if m.numerus and len(m.forms) != forms_needed:
            yield f"{where}: has {len(m.forms)} plural forms, needs {forms_needed}"
        if any(not form.strip() for form in m.forms):
            yield f"{where}: empty translation"
            continue
        wanted = set(_ARG_RE.findall(m.source))
        for form in m.forms:
            missing = wanted - set(_ARG_RE.findall(form))
            if missing:
                args = ", ".join("%" + a for a in sorted(missing))
                yield f"{where}: translation {form!r} lacks {args}"


def check(app_dir: Path = APP_DIR, translations_dir: Path = TRANSLATIONS_DIR) -> list[str]:
    """Everything wrong with the committed translations (empty list: all good)."""
    problems: list[str] = []
    sources = source_files(app_dir)
    expected, scan_problems, numerus_calls = _scan_sources(sources)
    problems += scan_problems
    with tempfile.TemporaryDirectory(prefix="liqaa-i18n-") as tmp_name:
        tmp = Path(tmp_name)
        fresh_keys: set[tuple[str, str, str]] = set()
        fresh_numerus: set[tuple[str, str, str]] = set()
        for lang, ts_name in LANGUAGE_FILES.items():
            committed = translations_dir / ts_name
            if not committed.is_file():
                problems.append(f"{committed}: missing (run python -m app.i18n.build)")
                continue
            language, messages = read_ts(committed)
            if language != lang:
                problems.append(f'{ts_name}: <TS language="{language}">, expected "{lang}"')
            problems += _translation_problems(lang, messages, ts_name)

            # (1) messages the sources have and the committed file lacks
            copy = tmp / ts_name
            shutil.copyfile(committed, copy)
            _lupdate(sources, copy, lang, no_obsolete=False)
            _, fresh = read_ts(copy)
            committed_keys = {m.key for m in messages if m.state not in ("vanished", "obsolete")}
            for m in fresh:
                if m.state in ("vanished", "obsolete"):
                    if m.key in committed_keys:
                        problems.append(f"{ts_name}: {m.label()}: vanished from the sources")
                    continue
                if lang == "ar":
                    fresh_keys.add(m.key)
                    if m.numerus:
                        fresh_numerus.add(m.key)
                if m.key not in committed_keys:
                    problems.append(f"{ts_name}: {m.label()}: in the sources but not in the file")

            # (4) the compiled catalogue matches the .ts
            qm = committed.with_suffix(".qm")
            rebuilt = tmp / qm.name
            _lrelease(committed, rebuilt)
            if not qm.is_file():
                problems.append(f"{qm.name}: missing (run python -m app.i18n.build)")
            elif qm.read_bytes() != rebuilt.read_bytes():
                problems.append(
                    f"{qm.name}: out of date with {ts_name} (run python -m app.i18n.build)"
                )

        # (5) calls that lupdate filed under a context PySide will not look up
        if (translations_dir / LANGUAGE_FILES["ar"]).is_file():
            for key, where in expected:
                if key not in fresh_keys:
                    context, text, _ = key
                    problems.append(
                        f"{where}: lupdate did not extract {text!r} under context {context!r}; "
                        f"it will never be translated (put the call in another statement)"
                    )
                elif key in numerus_calls and key not in fresh_numerus:
                    problems.append(
                        f"{where}: lupdate did not see the count of {key[1]!r}, so it has no "
                        f'plural forms; use self.tr(text, "", n) in a class named '
                        f"{key[0]!r} (lupdate 6.11 reads translate(..., n) as plain text)"
                    )
    return problems


# -- build ------------------------------------------------------------------------------


def build(app_dir: Path = APP_DIR, translations_dir: Path = TRANSLATIONS_DIR) -> list[str]:
    """Update the .ts files from the sources and compile the .qm files.

    Returns the unfinished/invalid translations still to do (the build itself succeeds).
    """
    sources = source_files(app_dir)
    translations_dir.mkdir(parents=True, exist_ok=True)
    todo: list[str] = []
    for lang, ts_name in LANGUAGE_FILES.items():
        ts = translations_dir / ts_name
        print(_lupdate(sources, ts, lang, no_obsolete=True).strip())
        _lrelease(ts, ts.with_suffix(".qm"))
        _, messages = read_ts(ts)
        todo += _translation_problems(lang, messages, ts_name)
        print(f"{ts.with_suffix('.qm').name}: written")
    return todo


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.i18n.build",
        description="Update translations/*.ts from app/ and compile the .qm files.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if the committed translations are incomplete or stale",
    )
    parser.add_argument("--app-dir", type=Path, default=APP_DIR, help=argparse.SUPPRESS)
    parser.add_argument(
        "--translations-dir", type=Path, default=TRANSLATIONS_DIR, help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check(args.app_dir, args.translations_dir)
            for problem in problems:
                print(problem, file=sys.stderr)
            print(
                f"i18n check: {len(problems)} problem(s)" if problems else "i18n check: OK",
                file=sys.stderr if problems else sys.stdout,
            )
            return 1 if problems else 0
        todo = build(args.app_dir, args.translations_dir)
    except ToolError as exc:
        print(exc, file=sys.stderr)
        return 2
    for item in todo:
        print(f"to translate: {item}")
    if todo:
        print(f"{len(todo)} translation(s) still to do; then run this again.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
