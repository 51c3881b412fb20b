"""Render the app icon from resources/icons/liqaa.svg.

Writes resources/icons/hicolor/NxN/apps/liqaa.png for every size in SIZES and
resources/icons/liqaa.ico (Windows, several sizes in one file). Run it again
after changing the SVG and commit what it writes:

    .venv/bin/python installer/render_icons.py          # write the files
    .venv/bin/python installer/render_icons.py --check  # exit 1 if they are stale
    .venv/bin/python installer/render_icons.py --iconset build/liqaa.iconset
        # a macOS iconset for `iconutil -c icns` (see installer/macos/README.md)

Uses only PySide6 (QtSvg), offscreen: no display needed.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "liqaa.svg"
ICO = ICONS / "liqaa.ico"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Windows wants up to 256 px in an .ico; 256 is stored as PNG, the rest as
# 32-bit BMPs, which every Windows version and every ICO reader understands.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_PNG_MIN = 256
# Largest mean per-channel difference (0-255) between a committed PNG and a
# fresh render that still counts as current (Qt versions antialias slightly
# differently; an edited SVG differs by far more).
STALE_THRESHOLD = 2.0


def png_path(size: int, root: Path = ROOT) -> Path:
    return root / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "liqaa.png"


def _ensure_app() -> object:
    """The running Qt application, or a new one (a QApplication, so that code
    sharing the process, such as pytest-qt's qapp, can still make widgets)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def render(size: int, svg: Path = SVG):  # -> QImage (PySide6 imported lazily)
    """Render the SVG to a size x size ARGB32 image (straight alpha)."""
    _ensure_app()
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG for QtSvg")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def _png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise RuntimeError("PNG encoding failed")
    buf.close()
    return bytes(data.data())


def _bgra_rows(image) -> list[bytes]:
    """Rows of BGRA bytes, top to bottom (Format_ARGB32 is BGRA in memory)."""
    size = image.width()
    raw = bytes(image.constBits())
    stride = image.bytesPerLine()
    return [raw[y * stride : y * stride + size * 4] for y in range(image.height())]


def _dib_bytes(image) -> bytes:
    """A 32-bit BMP as stored in an .ico: header, bottom-up BGRA, AND mask."""
    size = image.width()
    rows = _bgra_rows(image)
    xor = b"".join(reversed(rows))
    mask_stride = ((size + 31) // 32) * 4
    mask_rows = []
    for row in reversed(rows):
        bits = bytearray(mask_stride)
        for x in range(size):
            if row[x * 4 + 3] == 0:  # fully transparent: masked out for old readers
                bits[x // 8] |= 0x80 >> (x % 8)
        mask_rows.append(bytes(bits))
    mask = b"".join(mask_rows)
    header = struct.pack(
        "<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(xor) + len(mask), 0, 0, 0, 0
    )
    return header + xor + mask


def ico_bytes(images: dict[int, object]) -> bytes:
    """An .ico container holding the given square images (size -> QImage)."""
    entries = []
    for size in sorted(images):
        image = images[size]
        data = _png_bytes(image) if size >= ICO_PNG_MIN else _dib_bytes(image)
        entries.append((size, data))
    offset = 6 + 16 * len(entries)
    out = [struct.pack("<HHH", 0, 1, len(entries))]
    blobs = []
    for size, data in entries:
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        out.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset))
        blobs.append(data)
        offset += len(data)
    return b"".join(out + blobs)


def mean_difference(a, b) -> float:
    """Mean absolute per-channel difference of two same-size ARGB32 images."""
    if a.size() != b.size():
        return 255.0
    ra = b"".join(_bgra_rows(a))
    rb = b"".join(_bgra_rows(b))
    return sum(abs(x - y) for x, y in zip(ra, rb, strict=True)) / len(ra)


def stale_files() -> list[str]:
    """Committed icon files that are missing or differ from a fresh render."""
    from PySide6.QtGui import QImage

    problems = []
    for size in SIZES:
        path = png_path(size)
        if not path.is_file():
            problems.append(f"{path.relative_to(ROOT)}: missing")
            continue
        on_disk = QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32)
        diff = mean_difference(render(size), on_disk)
        if diff > STALE_THRESHOLD:
            problems.append(f"{path.relative_to(ROOT)}: differs from the SVG ({diff:.1f})")
    if not ICO.is_file():
        problems.append(f"{ICO.relative_to(ROOT)}: missing")
        return problems
    from PySide6.QtGui import QImageReader

    reader = QImageReader(str(ICO))
    sizes = []
    for i in range(reader.imageCount()):
        reader.jumpToImage(i)
        image = reader.read().convertToFormat(QImage.Format.Format_ARGB32)
        sizes.append(image.width())
        if mean_difference(render(image.width()), image) > STALE_THRESHOLD:
            problems.append(f"{ICO.relative_to(ROOT)}: {image.width()} px differs from the SVG")
    if sorted(sizes) != list(ICO_SIZES):
        problems.append(f"{ICO.relative_to(ROOT)}: sizes {sorted(sizes)}, not {list(ICO_SIZES)}")
    return problems


def write_all() -> list[Path]:
    written = []
    images = {}
    for size in SIZES:
        image = render(size)
        path = png_path(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_png_bytes(image))
        written.append(path)
        if size in ICO_SIZES:
            images[size] = image
    ICO.write_bytes(ico_bytes(images))
    written.append(ICO)
    return written


def write_iconset(folder: Path) -> list[Path]:
    """The PNGs `iconutil -c icns` expects: icon_NxN.png and icon_NxN@2x.png."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for base in (16, 32, 128, 256, 512):
        for scale, suffix in ((1, ""), (2, "@2x")):
            path = folder / f"icon_{base}x{base}{suffix}.png"
            path.write_bytes(_png_bytes(render(base * scale)))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    parser.add_argument("--iconset", type=Path, help="write a macOS .iconset folder instead")
    args = parser.parse_args(argv)
    _ensure_app()
    if args.iconset:
        for path in write_iconset(args.iconset):
            print(f"wrote {path}")
        return 0
    if args.check:
        problems = stale_files()
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print("run: python installer/render_icons.py", file=sys.stderr)
        return 1 if problems else 0
    for path in write_all():
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
