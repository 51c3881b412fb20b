"""installer/build.py and the bundle's entry script. The fast tests check the
pieces; the slow one builds, packages, installs and runs the app."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def test_version_is_pyprojects(build, version):
    assert build.project_version() == version


def test_entry_script_runs_app_main(root):
    tree = ast.parse((root / "installer" / "liqaa_entry.py").read_text(encoding="utf-8"))
    body = next(n for n in tree.body if isinstance(n, ast.If)).body  # if __name__ == ...
    source = [ast.unparse(n) for n in body]
    assert source == [
        "multiprocessing.freeze_support()",
        "from app.__main__ import main",
        "sys.exit(main())",
    ]


def test_help_lists_the_options(root):
    result = subprocess.run(
        [sys.executable, str(root / "installer" / "build.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for option in ("--out", "--skip-self-test", "--app-main"):
        assert option in result.stdout


def write_elf(path: Path, *versions: str) -> None:
    dynstr = b"".join(b"GLIBC_" + v.encode() + b"\x00" for v in versions)
    path.write_bytes(b"\x7fELF" + b"\x00" * 60 + b"libc.so.6\x00" + dynstr)


def test_glibc_requirement_is_the_highest_version(tmp_path, build):
    write_elf(tmp_path / "a.so", "2.2.5", "2.14", "2.34")
    (tmp_path / "sub").mkdir()
    write_elf(tmp_path / "sub" / "b.so", "2.4", "2.36")
    (tmp_path / "text.txt").write_bytes(b"GLIBC_2.99\x00")  # not ELF: ignored
    assert build.glibc_requirement(tmp_path) == "2.36"
    assert build.glibc_requirement(tmp_path / "sub") == "2.36"
    shutil.rmtree(tmp_path / "sub")
    (tmp_path / "a.so").unlink()
    assert build.glibc_requirement(tmp_path) is None


def test_installed_size_counts_like_dpkg(tmp_path, build):
    (tmp_path / "DEBIAN").mkdir()
    (tmp_path / "DEBIAN" / "control").write_bytes(b"x" * 5000)  # not counted
    (tmp_path / "opt").mkdir()
    (tmp_path / "opt" / "a").write_bytes(b"x" * 1)  # 1 KiB
    (tmp_path / "opt" / "b").write_bytes(b"x" * 2049)  # 3 KiB
    (tmp_path / "opt" / "link").symlink_to("a")  # 1
    assert build.installed_size_kib(tmp_path) == 1 + 1 + 3 + 1  # + the opt dir


def test_normalize_modes(tmp_path, build):
    (tmp_path / "d").mkdir(mode=0o700)
    exe = tmp_path / "d" / "exe"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o700)
    data = tmp_path / "d" / "data"
    data.write_text("x")
    data.chmod(0o600)
    build.normalize_modes(tmp_path)
    assert (tmp_path / "d").stat().st_mode & 0o777 == 0o755
    assert exe.stat().st_mode & 0o777 == 0o755
    assert data.stat().st_mode & 0o777 == 0o644


def test_overlay_swaps_in_the_stand_in_main(tmp_path, build, root):
    stand_in = tmp_path / "main.py"
    stand_in.write_text("def main():\n    return 0\n")
    overlay = build.make_overlay(stand_in, tmp_path / "overlay")
    assert (overlay / "app" / "__main__.py").read_text() == stand_in.read_text()
    init = (overlay / "app" / "__init__.py").read_text()
    assert init == (root / "app" / "__init__.py").read_text()
    assert not list(overlay.rglob("__pycache__"))


TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context><name>MainWindow</name>
<message><source>Leave meeting</source><translation>مغادرة الاجتماع</translation></message>
</context>
</TS>
"""


def test_translations_compile_out_of_tree(tmp_path, monkeypatch, build, qapp):
    from PySide6.QtCore import QTranslator

    fake_root = tmp_path / "repo"
    (fake_root / "translations").mkdir(parents=True)
    (fake_root / "translations" / "liqaa_ar.ts").write_text(TS, encoding="utf-8")
    (fake_root / "translations" / "extra_ar.qm").write_bytes(b"committed")
    monkeypatch.setattr(build, "ROOT", fake_root)

    qms = build.compile_translations(tmp_path / "qm")
    assert [q.name for q in qms] == ["extra_ar.qm", "liqaa_ar.qm"]
    assert all(q.parent == tmp_path / "qm" for q in qms)
    assert sorted(p.name for p in (fake_root / "translations").iterdir()) == [
        "extra_ar.qm",
        "liqaa_ar.ts",
    ]  # nothing written next to the sources
    translator = QTranslator()
    assert translator.load(str(tmp_path / "qm" / "liqaa_ar.qm"))
    assert translator.translate("MainWindow", "Leave meeting") == "مغادرة الاجتماع"


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_build_package_install_run(tmp_path, root, build, version):
    """python installer/build.py end to end, then the .deb unpacked and installed.

    Needs app/__main__.py with a --self-test flag (or LIQAA_APP_MAIN, see
    installer/README.md). Takes minutes: PyInstaller, xz, apt.
    """
    out = tmp_path / "dist"
    result = run([sys.executable, str(root / "installer" / "build.py"), "--out", str(out)])
    assert "self-test:" in result.stdout
    assert "bundle size:" in result.stdout and ".deb size:" in result.stdout
    assert (out / "liqaa" / "liqaa").is_file()

    arch = build.dpkg_architecture()
    deb = out / f"liqaa_{version}_{arch}.deb"
    assert deb.is_file()
    fields = run(["dpkg-deb", "-f", str(deb), "Package", "Version", "Architecture"]).stdout
    assert fields.split("\n")[:3] == [
        "Package: liqaa",
        f"Version: {version}",
        f"Architecture: {arch}",
    ]

    # unpacked: the files are where the .desktop and the wrapper expect them
    tree = tmp_path / "root"
    run(["dpkg", "-x", str(deb), str(tree)])
    assert os.access(tree / "opt/liqaa/liqaa", os.X_OK)
    assert "exec /opt/liqaa/liqaa" in (tree / "usr/bin/liqaa").read_text()
    assert (tree / "usr/share/applications/liqaa.desktop").is_file()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (tree / f"usr/share/icons/hicolor/{size}x{size}/apps/liqaa.png").is_file()
    assert (tree / "usr/share/icons/hicolor/scalable/apps/liqaa.svg").is_file()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run([str(tree / "opt/liqaa/liqaa"), "--self-test"], env=env, timeout=300)

    # installed for real, on an X server with Qt's xcb platform (needs root)
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "install", "-y", "--no-install-recommends", str(deb)], env=apt_env)
    try:
        assert Path("/usr/bin/liqaa").is_file()
        run(["xvfb-run", "-a", "env", "QT_QPA_PLATFORM=xcb", "liqaa", "--self-test"], timeout=300)
        cache = Path("/usr/share/applications/mimeinfo.cache")
        if shutil.which("update-desktop-database"):
            assert "x-scheme-handler/liqaa=liqaa.desktop;" in cache.read_text()
    finally:
        run(["apt-get", "remove", "-y", "liqaa"], env=apt_env)
        run(["dpkg", "--purge", "liqaa"])  # postrm kept it as "config-files"
    assert not Path("/opt/liqaa").exists()
    assert not Path("/usr/bin/liqaa").exists()
