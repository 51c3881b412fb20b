"""One video tile: a participant's camera (or shared screen), or their initials.

The tile keeps only the latest frame and paints it in ``paintEvent``, scaled with its
aspect ratio; a new frame replaces the old one and asks for a repaint, so frames never
queue up. The name plate sits at the leading bottom corner and moves to the other
side in right-to-left layouts.
"""

from __future__ import annotations

import hashlib
import unicodedata

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QStyle, QWidget

from app.client.state import SELF, TileKey
from app.core.roles import MediaKind
from app.i18n import isolate
from app.ui.ui_icons import ui_icon

__all__ = ["VideoTile", "initials"]

BACKGROUND = QColor("#2b2c2f")
SPEAKING = QColor("#3ddc84")
PLATE = QColor(0, 0, 0, 150)
MUTED_BADGE = QColor("#d93025")
_AVATAR_COLOURS = ("#1a73e8", "#d93025", "#188038", "#e37400", "#a142f4", "#007b83", "#c5221f")


def initials(name: str) -> str:
    """Up to two letters from the first two words ("Amal Haddad" -> "AH", "سارة" -> "س")."""
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    first = words[0][0]
    # A second letter only from the same script direction ("سارة Sara" -> "س", not "سS").
    if len(words) > 1 and _strong(words[1][0]) == _strong(first):
        return (first + words[1][0]).upper()
    return first.upper()


def _strong(char: str) -> str:
    kind = unicodedata.bidirectional(char)
    return "R" if kind in ("R", "AL") else "L"


def _avatar_colour(key: str) -> QColor:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return QColor(_AVATAR_COLOURS[digest[0] % len(_AVATAR_COLOURS)])


class VideoTile(QWidget):
    def __init__(self, key: TileKey, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("videoTile")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(96, 54)
        self.name = ""
        self.muted = True
        self.camera_off = True
        self.hand_raised = False
        self.speaking = False
        self.frames_received = 0
        self.frames_painted = 0
        self._image: QImage | None = None
        self._painted_frame = -1
        self._caption = ""
        self.retranslate_ui()

    @property
    def is_self(self) -> bool:
        return self.key.pid == SELF

    @property
    def is_screen(self) -> bool:
        return self.key.kind == MediaKind.SCREEN

    @property
    def has_frame(self) -> bool:
        return self._image is not None

    @property
    def caption(self) -> str:
        """The text on the name plate."""
        return self._caption

    def sizeHint(self) -> QSize:
        return QSize(320, 180)

    # ------------------------------------------------------------ state

    def set_info(
        self,
        name: str,
        *,
        muted: bool,
        camera_off: bool,
        hand_raised: bool = False,
    ) -> None:
        changed = (name, muted, camera_off, hand_raised) != (
            self.name,
            self.muted,
            self.camera_off,
            self.hand_raised,
        )
        self.name, self.muted, self.camera_off, self.hand_raised = (
            name,
            muted,
            camera_off,
            hand_raised,
        )
        if camera_off and self._image is not None:
            self.clear_frame()
        if changed:
            self.retranslate_ui()
            self.update()

    def set_speaking(self, speaking: bool) -> None:
        if speaking != self.speaking:
            self.speaking = speaking
            self.update()

    def set_frame(self, image: np.ndarray) -> None:
        """Show ``image`` (H x W x 3, RGB, uint8) at the next paint; replaces any older one."""
        if self.camera_off and not self.is_screen:
            return
        if image.ndim != 3 or image.shape[2] != 3:
            return
        array = np.ascontiguousarray(image, dtype=np.uint8)
        height, width = array.shape[:2]
        borrowed = QImage(array.data, width, height, 3 * width, QImage.Format.Format_RGB888)
        # One conversion here (a copy, so the array can go) makes every paint ~4x
        # cheaper: the painter scales 32-bit images without converting them first.
        self._image = borrowed.convertToFormat(QImage.Format.Format_RGB32)
        self.frames_received += 1
        self.update()

    def clear_frame(self) -> None:
        self._image = None
        self.update()

    def frame_size(self) -> QSize | None:
        return None if self._image is None else self._image.size()

    # ------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = self.rect()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BACKGROUND)
        painter.drawRoundedRect(QRectF(rect), 8, 8)
        if self._image is not None:
            size = self._image.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(QPoint(0, 0), size)
            target.moveCenter(rect.center())
            painter.drawImage(target, self._image)
            if self._painted_frame != self.frames_received:
                self._painted_frame = self.frames_received
                self.frames_painted += 1
        else:
            self._paint_avatar(painter, rect)
        self._paint_plate(painter, rect)
        if self.hand_raised:
            corner = QRect(rect.left() + 8, rect.top() + 8, 28, 28)
            corner = QStyle.visualRect(self.layoutDirection(), rect, corner)
            painter.setBrush(QColor("#f9ab00"))
            painter.drawEllipse(corner)
            ui_icon("hand").paint(painter, corner.adjusted(5, 5, -5, -5))
        if self.speaking:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(SPEAKING, 3))
            painter.drawRoundedRect(QRectF(rect).adjusted(1.5, 1.5, -1.5, -1.5), 8, 8)
        painter.end()

    def _paint_avatar(self, painter: QPainter, rect: QRect) -> None:
        diameter = max(24, min(rect.width(), rect.height()) * 2 // 5)
        circle = QRect(0, 0, diameter, diameter)
        circle.moveCenter(rect.center())
        painter.setBrush(_avatar_colour(self.name))  # the same colour in every window
        painter.drawEllipse(circle)
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(max(10, diameter * 2 // 5))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, initials(self.name))

    def _paint_plate(self, painter: QPainter, rect: QRect) -> None:
        font = QFont(self.font())
        font.setPixelSize(13)
        metrics = QFontMetrics(font)
        icon_size = 16
        show_mic = self.muted and not self.is_screen
        padding = 6
        available = rect.width() - 2 * 8 - 2 * padding - (icon_size + 4 if show_mic else 0)
        text = metrics.elidedText(self._caption, Qt.TextElideMode.ElideRight, max(0, available))
        text_width = metrics.horizontalAdvance(text)
        width = 2 * padding + text_width + (icon_size + 4 if show_mic else 0)
        height = max(metrics.height(), icon_size) + 8
        plate = QRect(rect.left() + 8, rect.bottom() - 8 - height, width, height)
        direction = self.layoutDirection()
        plate = QStyle.visualRect(direction, rect, plate)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PLATE)
        painter.drawRoundedRect(QRectF(plate), 4, 4)
        inner = plate.adjusted(padding, 0, -padding, 0)
        if show_mic:
            icon_rect = QRect(0, 0, icon_size, icon_size)
            icon_rect.moveTop(inner.top() + (inner.height() - icon_size) // 2)
            icon_rect.moveLeft(inner.left())
            icon_rect = QStyle.visualRect(direction, inner, icon_rect)
            ui_icon("mic-off").paint(painter, icon_rect)
            if direction == Qt.LayoutDirection.RightToLeft:
                inner.setRight(inner.right() - icon_size - 4)
            else:
                inner.setLeft(inner.left() + icon_size + 4)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(
            inner, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading), text
        )

    # ------------------------------------------------------------ language

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        name = isolate(self.name)
        if self.is_screen:
            if self.is_self:
                self._caption = self.tr("Your screen")
            else:
                self._caption = self.tr("%1's screen").replace("%1", name)
        elif self.is_self:
            self._caption = self.tr("%1 (you)").replace("%1", name)
        else:
            self._caption = name
        if self.is_screen:
            self.setToolTip(self._caption)
        elif self.muted:
            self.setToolTip(self.tr("%1, muted").replace("%1", self._caption))
        else:
            self.setToolTip(self._caption)
        self.setAccessibleName(self._caption)
        self.update()
