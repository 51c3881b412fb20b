"""The app icon: the SVG source, the hicolor PNGs and the .ico rendered from it."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


def png_header(data: bytes) -> tuple[int, int, int, int]:
    """(width, height, bit depth, colour type) from a PNG's IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour


def test_svg_is_square_and_valid(root, qapp):
    svg = root / "resources" / "icons" / "liqaa.svg"
    tree = ET.parse(svg)
    element = tree.getroot()
    assert element.tag == f"{SVG_NS}svg"
    assert element.get("viewBox") == "0 0 512 512"
    assert element.get("width") == element.get("height") == "512"
    # no <text>: the icon must look the same on machines without Arabic fonts
    assert not list(element.iter(f"{SVG_NS}text"))

    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    assert renderer.isValid()
    assert renderer.defaultSize().width() == renderer.defaultSize().height() == 512


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_hicolor_png_has_its_size(root, render_icons, size, qapp):
    path = root / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "liqaa.png"
    assert path == render_icons.png_path(size)
    data = path.read_bytes()
    assert png_header(data) == (size, size, 8, 6)  # 8-bit RGBA
    assert len(data) > 200

    from PySide6.QtGui import QImage

    image = QImage(str(path))
    centre = image.pixelColor(size // 2, size // 2)
    assert centre.alpha() == 255, "the middle of the icon is painted"
    if size >= 32:
        assert image.pixelColor(0, 0).alpha() == 0, "the rounded corner is transparent"


def test_sizes_match_the_renderer(render_icons):
    assert render_icons.SIZES == (16, 24, 32, 48, 64, 128, 256, 512)


def test_pngs_and_ico_are_current(render_icons, qapp):
    # A fresh render of the SVG matches the committed PNGs: run
    # installer/render_icons.py after editing the SVG.
    assert render_icons.stale_files() == []


def test_ico_holds_every_size(root, render_icons):
    data = (root / "resources" / "icons" / "liqaa.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, h, _colours, _res, planes, bpp, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        size = w or 256
        assert (w, planes, bpp) == (h, 1, 32)
        assert offset + length <= len(data)
        blob = data[offset : offset + length]
        if blob[:8] == PNG_SIGNATURE:
            assert png_header(blob)[:2] == (size, size)
        else:
            header_size, bw, bh, _planes, bbpp = struct.unpack("<IiiHH", blob[:16])
            assert (header_size, bw, bh, bbpp) == (40, size, 2 * size, 32)
            mask = ((size + 31) // 32) * 4 * size
            assert length == 40 + size * size * 4 + mask
        sizes.append(size)
    assert sorted(sizes) == list(render_icons.ICO_SIZES)
    assert set(render_icons.ICO_SIZES) >= {16, 32, 48, 256}


def test_ico_images_match_the_pngs(root, render_icons, qapp):
    from PySide6.QtGui import QImage, QImageReader

    reader = QImageReader(str(root / "resources" / "icons" / "liqaa.ico"))
    assert reader.imageCount() == len(render_icons.ICO_SIZES)
    for i in range(reader.imageCount()):
        assert reader.jumpToImage(i)
        image = reader.read().convertToFormat(QImage.Format.Format_ARGB32)
        size = image.width()
        png = QImage(str(render_icons.png_path(size))).convertToFormat(QImage.Format.Format_ARGB32)
        assert render_icons.mean_difference(image, png) < 0.5, size


def test_iconset_for_macos(tmp_path, render_icons, qapp):
    written = render_icons.write_iconset(tmp_path / "liqaa.iconset")
    names = {p.name: p for p in written}
    assert len(names) == 10
    for base in (16, 32, 128, 256, 512):
        assert png_header(names[f"icon_{base}x{base}.png"].read_bytes())[:2] == (base, base)
        double = png_header(names[f"icon_{base}x{base}@2x.png"].read_bytes())[:2]
        assert double == (2 * base, 2 * base)
