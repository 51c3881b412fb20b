"""Build the Liqaa desktop app in one command: python installer/build.py

1. compiles translations/*.ts to .qm (pyside6-lrelease), if there are any;
2. builds the one-folder bundle with PyInstaller (installer/liqaa.spec),
   installing pyinstaller and pyinstaller-hooks-contrib into the running
   Python first if they are missing;
3. runs the bundle's `--self-test` (offscreen);
4. on Debian/Ubuntu, makes dist/liqaa_<version>_<arch>.deb with dpkg-deb;
5. prints the bundle size, the .deb size and the build time.

Options:
  --out DIR          where the bundle (DIR/liqaa/) and the .deb go (default: dist/)
  --skip-self-test   do not run the bundle's --self-test
  --app-main FILE    build with FILE standing in for app/__main__.py (also the
                     LIQAA_APP_MAIN environment variable). Only for trying the
                     build machinery before the real entry point exists: it
                     bundles a copy of app/ with FILE as app/__main__.py and
                     says so loudly. Never use it for a release.

Windows and macOS: steps 1-3 run the same; then see installer/windows/README.md
and installer/macos/README.md for the installer / .dmg.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "liqaa.spec"
BUILD = ROOT / "build"
DEFAULT_OUT = ROOT / "dist"
APP_NAME = "liqaa"  # the spec's COLLECT/EXE name: DIST/liqaa/liqaa[.exe]
INSTALL_PREFIX = "/opt/liqaa"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SELF_TEST_TIMEOUT = 180
# import name -> what pip installs when it is missing
PIP_REQUIREMENTS = {
    "PyInstaller": "pyinstaller>=6.10",
    "_pyinstaller_hooks_contrib": "pyinstaller-hooks-contrib>=2024.8",
}


def log(msg: str) -> None:
    print(f"[build] {msg}", flush=True)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    log("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run(cmd, check=True, **kwargs)


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def exe_path(out: Path) -> Path:
    return out / APP_NAME / (APP_NAME + (".exe" if sys.platform == "win32" else ""))


def tree_size(path: Path) -> int:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total


def human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    raise AssertionError


# -- steps -------------------------------------------------------------------


def ensure_pyinstaller() -> None:
    missing = []
    for module, req in PIP_REQUIREMENTS.items():
        try:
            __import__(module)
        except ImportError:
            missing.append(req)
    if missing:
        log(f"installing {', '.join(missing)} into {sys.prefix}")
        run([sys.executable, "-m", "pip", "install", "-q", *missing])


def find_tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    return shutil.which(name)


def compile_translations(qm_dir: Path) -> list[Path]:
    """Committed translations/*.qm, then every translations/*.ts compiled over them."""
    if qm_dir.exists():
        shutil.rmtree(qm_dir)
    qm_dir.mkdir(parents=True)
    src = ROOT / "translations"
    for qm in sorted(src.glob("*.qm")):
        shutil.copy2(qm, qm_dir / qm.name)
    ts_files = sorted(src.glob("*.ts"))
    if ts_files:
        lrelease = find_tool("pyside6-lrelease") or find_tool("lrelease")
        if not lrelease:
            raise SystemExit("translations/*.ts found but no pyside6-lrelease to compile them")
        for ts in ts_files:
            run([lrelease, str(ts), "-qm", str(qm_dir / (ts.stem + ".qm"))])
    return sorted(qm_dir.glob("*.qm"))


def make_overlay(app_main: Path, overlay: Path) -> Path:
    """A copy of app/ in which app_main stands in for app/__main__.py."""
    if overlay.exists():
        shutil.rmtree(overlay)
    shutil.copytree(ROOT / "app", overlay / "app", ignore=shutil.ignore_patterns("__pycache__"))
    real = ROOT / "app" / "__main__.py"
    log("!" * 72)
    log(
        f"--app-main: bundling {app_main} as app/__main__.py"
        + (f" INSTEAD OF the real {real}" if real.exists() else "")
    )
    log("this build is for trying the build machinery only; do not ship it")
    log("!" * 72)
    shutil.copy2(app_main, overlay / "app" / "__main__.py")
    return overlay


def run_pyinstaller(out: Path, env: dict[str, str]) -> None:
    work = BUILD / "pyinstaller"
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN"]
    cmd += ["--distpath", str(out), "--workpath", str(work), str(SPEC)]
    run(cmd, env=env, cwd=ROOT)


def self_test(exe: Path) -> None:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    log(f"self-test: {exe} --self-test (QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']})")
    proc = subprocess.run(
        [str(exe), "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=SELF_TEST_TIMEOUT,
    )
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        raise SystemExit(f"self-test failed with exit code {proc.returncode}")


# -- .deb ----------------------------------------------------------------------

GLIBC_RE = re.compile(rb"GLIBC_(2\.\d+(?:\.\d+)?)\x00")


def glibc_requirement(bundle: Path) -> str | None:
    """Highest GLIBC_x.y symbol version any ELF file of the bundle asks for."""
    best: tuple[int, ...] = ()
    for p in bundle.rglob("*"):
        if not p.is_file() or p.is_symlink():
            continue
        with open(p, "rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
            data = f.read()
        for m in GLIBC_RE.finditer(data):
            best = max(best, tuple(int(x) for x in m.group(1).decode().split(".")))
    return ".".join(map(str, best)) if best else None


def dpkg_architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], check=True, capture_output=True, text=True
    ).stdout.strip()


def render_control(version: str, arch: str, installed_kib: int, glibc: str | None) -> str:
    template = (INSTALLER / "linux" / "control.in").read_text(encoding="utf-8")
    values = {
        "@VERSION@": version,
        "@ARCH@": arch,
        "@INSTALLED_SIZE@": str(installed_kib),
        "@LIBC_DEPENDS@": f"libc6 (>= {glibc}), " if glibc else "",
    }
    for key, value in values.items():
        template = template.replace(key, value)
    left = re.findall(r"@[A-Z_]+@", template)
    if left:
        raise ValueError(f"control.in: unfilled placeholders {left}")
    return template


def installed_size_kib(root: Path) -> int:
    """Like dpkg-gencontrol: 1 KiB per file rounded up, 1 per directory/symlink."""
    total = 0
    for p in root.rglob("*"):
        if p.is_relative_to(root / "DEBIAN"):
            continue
        if p.is_file() and not p.is_symlink():
            total += math.ceil(p.stat().st_size / 1024)
        else:
            total += 1
    return total


def normalize_modes(root: Path) -> None:
    """0755 for directories and executables, 0644 for everything else."""
    for p in [root, *root.rglob("*")]:
        if p.is_symlink():
            continue
        mode = p.stat().st_mode
        executable = p.is_dir() or bool(mode & stat.S_IXUSR)
        p.chmod(0o755 if executable else 0o644)


def build_deb(out: Path, version: str) -> Path:
    arch = dpkg_architecture()
    name = f"{APP_NAME}_{version}_{arch}"
    root = BUILD / "deb" / name
    if root.exists():
        shutil.rmtree(root)
    opt = root / INSTALL_PREFIX.lstrip("/")
    shutil.copytree(out / APP_NAME, opt, symlinks=True)

    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    wrapper = bin_dir / APP_NAME
    wrapper.write_text(f'#!/bin/sh\nexec {INSTALL_PREFIX}/{APP_NAME} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)

    share = root / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy2(INSTALLER / "linux" / "liqaa.desktop", share / "applications" / "liqaa.desktop")
    icons = ROOT / "resources" / "icons"
    for size in ICON_SIZES:
        dest = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        dest.mkdir(parents=True)
        shutil.copy2(icons / "hicolor" / f"{size}x{size}" / "apps" / "liqaa.png", dest)
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(icons / "liqaa.svg", scalable / "liqaa.svg")

    debian = root / "DEBIAN"
    debian.mkdir()
    for script in ("postinst", "postrm"):
        shutil.copy2(INSTALLER / "linux" / script, debian / script)
        (debian / script).chmod(0o755)
    normalize_modes(root)
    control = render_control(version, arch, installed_size_kib(root), glibc_requirement(opt))
    (debian / "control").write_text(control, encoding="utf-8")
    (debian / "control").chmod(0o644)

    deb = out / f"{name}.deb"
    run(["dpkg-deb", "--build", "--root-owner-group", str(root), str(deb)])
    return deb


# -- main ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build the Liqaa bundle, self-test it, and package it as a .deb."
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--skip-self-test", action="store_true")
    parser.add_argument(
        "--app-main",
        type=Path,
        default=os.environ.get("LIQAA_APP_MAIN") or None,
        help="stand-in for app/__main__.py (trying the build only; also $LIQAA_APP_MAIN)",
    )
    args = parser.parse_args(argv)
    start = time.monotonic()
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    version = project_version()
    log(f"Liqaa {version}: building into {out}")

    env = dict(os.environ)
    if args.app_main:
        app_main = Path(args.app_main).resolve()
        if not app_main.is_file():
            raise SystemExit(f"--app-main: no such file {app_main}")
        env["LIQAA_APP_OVERLAY"] = str(make_overlay(app_main, BUILD / "app-overlay"))
    elif not (ROOT / "app" / "__main__.py").is_file():
        raise SystemExit("app/__main__.py does not exist yet (see --app-main to try the build)")

    qms = compile_translations(BUILD / "translations")
    log(f"translations: {', '.join(q.name for q in qms) or 'none'}")
    env["LIQAA_QM_DIR"] = str(BUILD / "translations")

    ensure_pyinstaller()
    t0 = time.monotonic()
    run_pyinstaller(out, env)
    exe = exe_path(out)
    if not exe.is_file():
        raise SystemExit(f"PyInstaller did not produce {exe}")
    bundle_size = tree_size(out / APP_NAME)
    log(f"bundle: {out / APP_NAME} ({human(bundle_size)}, {time.monotonic() - t0:.0f} s)")

    if not args.skip_self_test:
        self_test(exe)

    deb = None
    if sys.platform.startswith("linux") and shutil.which("dpkg-deb"):
        deb = build_deb(out, version)
    elif sys.platform == "win32":
        log("next: iscc installer\\windows\\liqaa.iss (see installer/windows/README.md)")
    elif sys.platform == "darwin":
        log("next: see installer/macos/README.md for the .dmg")

    log(f"bundle size: {human(bundle_size)} ({out / APP_NAME})")
    if deb:
        log(f".deb size:   {human(deb.stat().st_size)} ({deb})")
    log(f"build time:  {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
