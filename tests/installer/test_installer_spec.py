"""installer/liqaa.spec, run against stand-ins for PyInstaller's build classes
(fast: no PyInstaller needed), once as on each platform."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

NEEDED_QT = ("QtCore", "QtGui", "QtWidgets", "QtSvg", "QtNetwork")
MUST_EXCLUDE = (
    "QtQml", "QtQuick", "QtQuickWidgets", "Qt3DCore", "QtWebEngineCore", "QtMultimedia",
    "QtPdf", "QtDesigner", "QtHelp", "QtSql", "QtTest", "QtCharts", "QtDataVisualization",
)  # fmt: skip

# (dest path in the bundle, kept?) as PyInstaller's Analysis would list them
SAMPLE_BINARIES = {
    "PySide6/Qt/lib/libQt6Core.so.6": True,
    "PySide6/Qt/lib/libQt6Widgets.so.6": True,
    "PySide6/Qt/lib/libQt6Svg.so.6": True,
    "PySide6/Qt/lib/libQt6Network.so.6": True,
    "PySide6/Qt/lib/libQt6XcbQpa.so.6": True,
    "PySide6/Qt/lib/libQt6OpenGL.so.6": True,  # the eglfs plugins link it
    "PySide6/Qt/lib/libQt6Qml.so.6": False,
    "PySide6/Qt/lib/libQt6QuickControls2.so.6": False,
    "PySide6/Qt/lib/libQt6Pdf.so.6": False,
    "PySide6/Qt/lib/libQt6SvgWidgets.so.6": False,
    "PySide6/Qt/plugins/platforms/libqxcb.so": True,
    "PySide6/Qt/plugins/platforms/libqwayland.so": True,
    "PySide6/Qt/plugins/imageformats/libqsvg.so": True,
    "PySide6/Qt/plugins/qmltooling/libqmldbg_debugger.so": False,
    "PySide6/Qt/plugins/sqldrivers/libqsqlite.so": False,
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so": False,
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so": False,
    "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so": True,
    "libportaudio.so.2": False,  # the system's, through the .deb's Depends
    "libcairo.so.2": False,
    "libpython3.11.so.1.0": True,
    "cv2/cv2.abi3.so": True,
    "av.libs/libavcodec-5e6b81c2.so.62.28.102": True,
}
SAMPLE_DATAS = {
    "PySide6/Qt/translations/qtbase_ar.qm": True,
    "PySide6/Qt/translations/qtbase_en.qm": True,
    "PySide6/Qt/translations/qt_ar.qm": True,
    "PySide6/Qt/translations/qtbase_de.qm": False,
    "PySide6/Qt/translations/qt_help_ar.qm": False,
    "translations/liqaa_ar.qm": True,
    "resources/icons/liqaa.svg": True,
}


class Recorder:
    def __init__(self, name, calls):
        self.name, self.calls = name, calls

    def __call__(self, *args, **kwargs):
        obj = types.SimpleNamespace(args=args, kwargs=kwargs)
        if self.name == "Analysis":
            obj.binaries = [(d, "/src/" + d, "BINARY") for d in SAMPLE_BINARIES]
            obj.datas = [(d, "/src/" + d, "DATA") for d in SAMPLE_DATAS]
            obj.pure, obj.scripts = [], []
        self.calls[self.name] = obj
        return obj


def run_spec(root: Path, platform: str, monkeypatch, env: dict[str, str] | None = None) -> dict:
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package: [f"{package}.stand_in"]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))
    for key in ("LIQAA_APP_OVERLAY", "LIQAA_QM_DIR"):
        monkeypatch.delenv(key, raising=False)
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    calls: dict = {}
    spec = root / "installer" / "liqaa.spec"
    namespace = {"SPECPATH": str(spec.parent), "__file__": str(spec)}
    for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"):
        namespace[name] = Recorder(name, calls)
    exec(compile(spec.read_text(encoding="utf-8"), str(spec), "exec"), namespace)
    return calls


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_one_folder_app_named_liqaa(root, monkeypatch, platform, build):
    calls = run_spec(root, platform, monkeypatch)
    analysis = calls["Analysis"]
    assert analysis.args[0] == [str(root / "installer" / "liqaa_entry.py")]
    assert analysis.kwargs["pathex"] == [str(root)]
    assert "app.stand_in" in analysis.kwargs["hiddenimports"]
    exe, coll = calls["EXE"], calls["COLLECT"]
    assert exe.kwargs["name"] == coll.kwargs["name"] == build.APP_NAME
    assert exe.kwargs["exclude_binaries"] is True  # one folder, not one file
    assert exe.kwargs["console"] is False
    assert ("BUNDLE" in calls) == (platform == "darwin")
    if platform == "win32":
        assert exe.kwargs["icon"] == str(root / "resources" / "icons" / "liqaa.ico")


def test_excludes_unused_qt_and_tkinter(root, monkeypatch):
    excludes = set(run_spec(root, "linux", monkeypatch)["Analysis"].kwargs["excludes"])
    assert {"tkinter", "_tkinter"} <= excludes
    assert {f"PySide6.{m}" for m in MUST_EXCLUDE} <= excludes
    assert not {f"PySide6.{m}" for m in NEEDED_QT} & excludes


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_binaries_and_datas_are_pruned(root, monkeypatch, platform):
    analysis = run_spec(root, platform, monkeypatch)["Analysis"]
    kept = {d for d, _, _ in analysis.binaries} | {d for d, _, _ in analysis.datas}
    for dest, keep in {**SAMPLE_BINARIES, **SAMPLE_DATAS}.items():
        if platform != "linux" and dest in ("libportaudio.so.2", "libcairo.so.2"):
            keep = True  # the Linux-only list leaves other platforms alone
        if platform != "linux" and dest.endswith("libqgtk3.so"):
            keep = True
        assert (dest in kept) == keep, dest


def test_bundles_translations_and_resources(root, monkeypatch, tmp_path):
    (tmp_path / "liqaa_ar.qm").write_bytes(b"qm")
    (tmp_path / "liqaa_en.qm").write_bytes(b"qm")
    calls = run_spec(root, "linux", monkeypatch, {"LIQAA_QM_DIR": str(tmp_path)})
    datas = calls["Analysis"].kwargs["datas"]
    assert (str(tmp_path / "liqaa_ar.qm"), "translations") in datas
    assert (str(tmp_path / "liqaa_en.qm"), "translations") in datas
    assert (str(root / "resources"), "resources") in datas


def test_app_overlay_replaces_the_source_root(root, monkeypatch, tmp_path):
    calls = run_spec(root, "linux", monkeypatch, {"LIQAA_APP_OVERLAY": str(tmp_path)})
    assert calls["Analysis"].kwargs["pathex"] == [str(tmp_path)]
    assert sys.path[0] == str(tmp_path)  # collect_submodules sees the overlay's app


def test_macos_bundle(root, monkeypatch):
    calls = run_spec(root, "darwin", monkeypatch)
    bundle = calls["BUNDLE"]
    assert bundle.kwargs["name"] == "Liqaa.app"
    assert bundle.kwargs["bundle_identifier"] == "org.liqaa.Liqaa"
    assert bundle.kwargs["info_plist"]["NSCameraUsageDescription"]
    datas = calls["Analysis"].kwargs["datas"]
    for lang in ("en", "ar"):
        src = root / "installer" / "macos" / f"{lang}.lproj" / "InfoPlist.strings"
        assert (str(src), f"{lang}.lproj") in datas
        assert src.is_file()
