"""Linux desktop integration: the .desktop file, the .deb control template and
the maintainer scripts."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ARABIC = re.compile(r"[\u0600-\u06FF]")
# What the bundle needs from the system (DESIGN.md "Packaging notes").
REQUIRED_DEPENDS = {
    "libportaudio2",
    "libopus0",  # Opus FEC decoding (app/media/opus.py)
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-shape0",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-image0",
    "libxcb-xinerama0",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
    "libglib2.0-0",
}


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} not found: apt-get install {package} (installer/dev-setup.sh)"
    return path


@pytest.fixture(scope="module")
def desktop_path(root) -> Path:
    return root / "installer" / "linux" / "liqaa.desktop"


@pytest.fixture(scope="module")
def entry(desktop_path) -> configparser.SectionProxy:
    parser = configparser.RawConfigParser(delimiters=("=",), comment_prefixes=("#",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(desktop_path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_validates(desktop_path):
    tool = need("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([tool, str(desktop_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # no warnings or hints either


def test_desktop_names_in_both_languages(entry):
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Liqaa"
    assert entry["Name[ar]"] == "لقاء"
    for key in ("GenericName", "Comment", "Keywords"):
        assert entry[key] and not ARABIC.search(entry[key]), key
        assert ARABIC.search(entry[f"{key}[ar]"]), f"{key}[ar]"
    assert "meeting" in entry["Keywords"].split(";")
    assert "اجتماع" in entry["Keywords[ar]"].split(";")


def test_desktop_launches_the_installed_app(entry, build):
    exec_line = entry["Exec"].split()
    assert exec_line == [build.APP_NAME, "%u"]  # %u: a liqaa:// link, if any
    assert entry["Icon"] == "liqaa"  # /usr/share/icons/hicolor/*/apps/liqaa.png
    assert entry["Terminal"] == "false"


def test_desktop_handles_liqaa_links(entry):
    assert "x-scheme-handler/liqaa" in entry["MimeType"].split(";")
    categories = entry["Categories"].split(";")
    assert {"Network", "VideoConference"} <= set(categories)


def control_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if line.startswith(" ") and key:
            fields[key] += "\n" + line
        else:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def test_control_template_fills_in(build, version):
    text = build.render_control(version, "amd64", 12345, "2.36")
    assert "@" not in text.replace("<dev@liqaa.org>", "")
    fields = control_fields(text)
    assert fields["Package"] == "liqaa"
    assert fields["Version"] == version
    assert fields["Architecture"] == "amd64"
    assert fields["Installed-Size"] == "12345"
    depends = [d.strip() for d in fields["Depends"].split(",")]
    assert depends[0] == "libc6 (>= 2.36)"
    assert REQUIRED_DEPENDS <= set(depends)
    assert fields["Maintainer"] and fields["Description"]
    # without a glibc figure the libc6 entry is left out, not left empty
    assert build.render_control(version, "arm64", 1, None).count("Depends: libportaudio2,") == 1


def test_control_accepted_by_dpkg(tmp_path, build, version):
    tool = need("dpkg-deb", "dpkg")
    pkg = tmp_path / "pkg"
    (pkg / "DEBIAN").mkdir(parents=True)
    (pkg / "DEBIAN" / "control").write_text(
        build.render_control(version, build.dpkg_architecture(), 1, "2.36"), encoding="utf-8"
    )
    deb = tmp_path / "t.deb"
    subprocess.run([tool, "--build", "--root-owner-group", str(pkg), str(deb)], check=True)
    info = subprocess.run(
        [tool, "-f", str(deb), "Package", "Version", "Depends"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Package: liqaa" in info
    assert f"Version: {version}" in info
    assert "libxcb-cursor0" in info


def test_every_dependency_is_a_debian_package(build, version):
    # apt knows installed packages even without package lists; dev-setup.sh
    # installs all of these.
    apt_cache = need("apt-cache", "apt")
    fields = control_fields(build.render_control(version, "amd64", 1, None))
    names = [d.split()[0] for d in fields["Depends"].split(",")]
    result = subprocess.run(
        [apt_cache, "show", "--no-all-versions", *names], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    shown = set(re.findall(r"^Package: (\S+)$", result.stdout, re.M))
    assert shown == set(names)


def fake_tools(folder: Path, exit_code: int) -> Path:
    """update-desktop-database and gtk-update-icon-cache that log their calls."""
    folder.mkdir()
    log = folder / "calls.log"
    for tool in ("update-desktop-database", "gtk-update-icon-cache"):
        script = folder / tool
        script.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{log}"\nexit {exit_code}\n')
        script.chmod(0o755)
    return log


@pytest.mark.parametrize("script,arg", [("postinst", "configure"), ("postrm", "remove")])
def test_maintainer_scripts_never_fail(tmp_path, root, script, arg):
    path = root / "installer" / "linux" / script
    assert os.access(path, os.X_OK), f"{script} must be executable"
    assert path.read_text().startswith("#!/bin/sh\n")
    subprocess.run(["sh", "-n", str(path)], check=True)
    sh = shutil.which("sh")
    assert sh
    # tools absent: nothing to run, still success
    empty = tmp_path / "empty"
    empty.mkdir()
    result = subprocess.run([sh, str(path), arg], env={"PATH": str(empty)})
    assert result.returncode == 0
    # tools present but failing: still success, and they were called
    log = fake_tools(tmp_path / "failing", exit_code=1)
    path_env = f"{log.parent}:/usr/bin:/bin"
    result = subprocess.run([sh, str(path), arg], env={"PATH": path_env})
    assert result.returncode == 0
    calls = log.read_text()
    assert "update-desktop-database -q /usr/share/applications" in calls
    if Path("/usr/share/icons/hicolor/index.theme").is_file():
        assert "gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor" in calls


def test_postrm_does_nothing_on_upgrade(tmp_path, root):
    log = fake_tools(tmp_path / "tools", exit_code=0)
    sh = shutil.which("sh")
    assert sh
    result = subprocess.run(
        [sh, str(root / "installer" / "linux" / "postrm"), "upgrade"],
        env={"PATH": f"{log.parent}:/usr/bin:/bin"},
    )
    assert result.returncode == 0
    assert not log.exists()
