"""Shows RGB frames (numpy arrays) scaled to fit, with a text in place of a picture."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def image_from_rgb(frame: np.ndarray) -> QImage:
    """A QImage that owns a copy of an ``H x W x 3`` uint8 RGB array."""
    frame = np.ascontiguousarray(frame, dtype=np.uint8)
    height, width = frame.shape[:2]
    image = QImage(frame.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()


class VideoPreview(QLabel):
    """A camera preview. Video is never mirrored for right-to-left layouts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(QSize(240, 180))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setWordWrap(True)
        self.setStyleSheet("background: #1f2428; color: #e8eaed; border-radius: 6px;")
        self._image: QImage | None = None
        self.frames_shown = 0

    def show_frame(self, frame: np.ndarray) -> None:
        self._image = image_from_rgb(frame)
        self.frames_shown += 1
        self._render()

    def show_message(self, text: str) -> None:
        """No picture: say why (camera off, unavailable...)."""
        self._image = None
        self.clear()
        self.setText(text)

    def has_picture(self) -> bool:
        return self._image is not None

    def _render(self) -> None:
        if self._image is None:
            return
        pixmap = QPixmap.fromImage(self._image).scaled(
            self.size(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.setPixmap(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._render()

    def sizeHint(self) -> QSize:
        return QSize(320, 240)
