"""macOS: Info.plist for Liqaa.app and its localized InfoPlist.strings."""

from __future__ import annotations

import plistlib
import re
from pathlib import Path

import pytest

ARABIC = re.compile(r"[\u0600-\u06FF]")
USAGE_KEYS = {"NSCameraUsageDescription", "NSMicrophoneUsageDescription"}
STRINGS_LINE = re.compile(r'^"([A-Za-z]+)"\s*=\s*"((?:[^"\\]|\\.)*)";$')


def read_strings(path: Path) -> dict[str, str]:
    """A .strings file: /* comments */ and "key" = "value"; lines, nothing else."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        m = STRINGS_LINE.match(line)
        assert m, f"{path.name}: cannot parse {line!r}"
        assert m.group(1) not in out, f"{path.name}: {m.group(1)} twice"
        out[m.group(1)] = m.group(2)
    return out


@pytest.fixture(scope="module")
def plist(root) -> dict:
    with open(root / "installer" / "macos" / "Info.plist", "rb") as f:
        return plistlib.load(f)


@pytest.fixture(scope="module")
def strings(root) -> dict[str, dict[str, str]]:
    base = root / "installer" / "macos"
    return {
        lang: read_strings(base / f"{lang}.lproj" / "InfoPlist.strings") for lang in ("en", "ar")
    }


def test_identity_and_version(plist, version, build):
    assert plist["CFBundleIdentifier"] == "org.liqaa.Liqaa"
    assert plist["CFBundleName"] == "Liqaa"
    assert plist["CFBundleShortVersionString"] == version
    assert plist["CFBundleVersion"] == version
    assert plist["CFBundlePackageType"] == "APPL"
    assert plist["CFBundleExecutable"] == build.APP_NAME  # Contents/MacOS/liqaa
    assert plist["CFBundleIconFile"] == "liqaa.icns"


def test_camera_and_microphone_descriptions(plist):
    for key in USAGE_KEYS:
        assert len(plist[key]) > 20 and "Liqaa" in plist[key], key


def test_url_scheme(plist):
    schemes = [s for t in plist["CFBundleURLTypes"] for s in t["CFBundleURLSchemes"]]
    assert schemes == ["liqaa"]
    assert plist["CFBundleURLTypes"][0]["CFBundleURLName"].startswith("org.liqaa.Liqaa")


def test_localizations_and_display(plist):
    assert set(plist["CFBundleLocalizations"]) == {"en", "ar"}
    assert plist["CFBundleDevelopmentRegion"] == "en"
    assert plist["NSHighResolutionCapable"] is True


def test_strings_in_both_languages(strings, plist):
    assert set(strings["en"]) == set(strings["ar"])
    assert USAGE_KEYS <= set(strings["en"])
    for key, value in strings["en"].items():
        assert value and not ARABIC.search(value), key
        assert ARABIC.search(strings["ar"][key]), key
        assert value == plist[key], f"en.lproj {key} differs from Info.plist"
    assert strings["ar"]["CFBundleDisplayName"] == "لقاء"
