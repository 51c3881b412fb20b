"""The Inno Setup script: languages, the liqaa: URL protocol, sources, version."""

from __future__ import annotations

import re
from pathlib import Path, PureWindowsPath

import pytest

ARABIC = re.compile(r"[\u0600-\u06FF]")


class Iss:
    """Just enough of an .iss parser: #define, [Setup] keys, entry sections."""

    def __init__(self, path: Path):
        self.path = path
        self.defines: dict[str, str] = {}
        self.setup: dict[str, str] = {}
        self.sections: dict[str, list[str]] = {}
        section = None
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith(";"):
                continue
            m = re.match(r'#define\s+(\w+)\s+"(.*)"$', line)
            if m:
                self.defines.setdefault(m.group(1), m.group(2))
                continue
            if line.startswith("#"):
                continue
            m = re.match(r"\[(\w+)\]$", line)
            if m:
                section = m.group(1)
                self.sections.setdefault(section, [])
                continue
            assert section, f"line outside a section: {line}"
            self.sections[section].append(self.expand(line))
        for line in self.sections.get("Setup", []):
            key, _, value = line.partition("=")
            self.setup[key.strip()] = value.strip()

    def expand(self, text: str) -> str:
        return re.sub(r"\{#(\w+)\}", lambda m: self.defines[m.group(1)], text)

    def entries(self, section: str) -> list[dict[str, str]]:
        """'Name: "x"; Flags: a b' lines as dicts (quotes removed, "" -> ")."""
        out = []
        for line in self.sections.get(section, []):
            params = {}
            for m in re.finditer(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)\s*(?:;|$)', line):
                value = m.group(2).strip()
                if value.startswith('"'):
                    value = value[1:-1].replace('""', '"')
                params[m.group(1)] = value
            out.append(params)
        return out

    def custom_messages(self) -> dict[str, dict[str, str]]:
        messages: dict[str, dict[str, str]] = {}
        for line in self.sections.get("CustomMessages", []):
            key, _, value = line.partition("=")
            lang, _, name = key.strip().partition(".")
            messages.setdefault(name, {})[lang] = value.strip()
        return messages


@pytest.fixture(scope="module")
def iss(root) -> Iss:
    return Iss(root / "installer" / "windows" / "liqaa.iss")


def resolve(iss: Iss, windows_path: str) -> Path:
    """A path in the script, relative to the script's folder, as a real path."""
    return (iss.path.parent / Path(*PureWindowsPath(windows_path).parts)).resolve()


def test_version_matches_pyproject(iss, version):
    assert iss.defines["AppVersion"] == version
    assert iss.setup["AppVersion"] == version
    assert iss.setup["OutputBaseFilename"] == f"liqaa-{version}-setup"


def test_app_identity(iss, build):
    assert iss.setup["AppName"] == "Liqaa"
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", iss.setup["AppId"])
    assert iss.defines["AppExe"] == f"{build.APP_NAME}.exe"


def test_languages_english_and_arabic(iss):
    languages = {e["Name"]: e["MessagesFile"] for e in iss.entries("Languages")}
    assert languages == {
        "english": "compiler:Default.isl",
        "arabic": r"compiler:Languages\Arabic.isl",
    }
    messages = iss.custom_messages()
    assert messages, "the script's own texts are translated"
    for name, by_lang in messages.items():
        assert set(by_lang) == {"english", "arabic"}, name
        assert ARABIC.search(by_lang["arabic"]), name


def test_every_custom_message_used_is_defined(iss):
    text = "\n".join(line for lines in iss.sections.values() for line in lines)
    used = set(re.findall(r"\{cm:(\w+)", text))
    builtin = {"CreateDesktopIcon", "AdditionalIcons", "LaunchProgram"}
    assert used - builtin <= set(iss.custom_messages())


def test_liqaa_url_protocol_is_registered(iss):
    keys: dict[str, dict[str, dict[str, str]]] = {}
    for e in iss.entries("Registry"):
        assert e["Root"] in {"HKA", "HKCU", "HKCR"}
        keys.setdefault(e["Subkey"], {})[e["ValueName"]] = e
    base = r"Software\Classes\liqaa"
    assert keys[base][""]["ValueData"].startswith("URL:")
    assert keys[base]["URL Protocol"]["ValueData"] == ""
    command = keys[base + r"\shell\open\command"][""]
    assert command["ValueData"] == r'"{app}\liqaa.exe" "%1"'
    assert command["ValueType"] == "string"
    # the uninstaller deletes the whole key, subkeys included
    assert "uninsdeletekey" in keys[base][""]["Flags"].split()


def test_sources_exist_or_are_built(iss, root, build):
    sources = [e["Source"] for e in iss.entries("Files")]
    assert sources
    bundle = (build.DEFAULT_OUT / build.APP_NAME).resolve()
    for source in sources:
        path = resolve(iss, source)
        if path.is_relative_to(bundle) or path.parent == bundle:
            # made by installer/build.py: dist/liqaa/ holds liqaa.exe and _internal/
            assert path == bundle / "*", source
        else:
            assert path.exists() and path.is_relative_to(root), source
    assert resolve(iss, iss.defines["DistDir"]) == bundle


def test_setup_icon_and_output(iss, root, build):
    icon = resolve(iss, iss.setup["SetupIconFile"])
    assert icon == root / "resources" / "icons" / "liqaa.ico" and icon.is_file()
    assert resolve(iss, iss.setup["OutputDir"]) == build.DEFAULT_OUT.resolve()
    assert iss.setup["UninstallDisplayIcon"] == r"{app}\liqaa.exe"


def test_shortcuts(iss):
    icons = iss.entries("Icons")
    start_menu = [i for i in icons if i["Name"].startswith("{autoprograms}")]
    desktop = [i for i in icons if i["Name"].startswith("{autodesktop}")]
    assert start_menu and "Tasks" not in start_menu[0]
    assert desktop and desktop[0]["Tasks"] == "desktopicon"
    assert all(i["Filename"] == r"{app}\liqaa.exe" for i in icons)
    tasks = {t["Name"]: t for t in iss.entries("Tasks")}
    assert "unchecked" in tasks["desktopicon"]["Flags"].split()
