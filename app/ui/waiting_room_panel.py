"""The waiting room as hosts and co-hosts see it: who waits, since when, and
Admit / Deny for each, or Admit all. A name that matches someone already inside
gets a warning mark (someone may be pretending to be them)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.client.bridge import SessionBridge
from app.core import protocol as p
from app.i18n import format_time, isolate
from app.ui.abilities import is_host_like
from app.ui.ui_icons import ui_icon

__all__ = ["WaitingRoomPanel", "WaitingRow"]

MAX_LIST_HEIGHT = 230


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class WaitingRow(QWidget):
    def __init__(self, waiting: p.WaitingView, duplicate: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("waitingRow")
        self.waiting = waiting
        self.duplicate = duplicate
        self.name_label = QLabel()
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.since_label = QLabel()
        self.since_label.setObjectName("secondaryLabel")
        self.warning_label = QLabel()
        self.warning_label.setPixmap(ui_icon("warning").pixmap(18, 18))
        self.warning_label.setVisible(duplicate)
        self.admit_button = QPushButton()
        self.admit_button.setObjectName("admitButton")
        self.deny_button = QPushButton()
        self.deny_button.setObjectName("denyButton")
        texts = QVBoxLayout()
        texts.setSpacing(0)
        name_row = QHBoxLayout()
        name_row.setSpacing(4)
        name_row.addWidget(self.warning_label)
        name_row.addWidget(self.name_label, 1)
        texts.addLayout(name_row)
        texts.addWidget(self.since_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 4, 4, 4)
        row.addLayout(texts, 1)
        row.addWidget(self.admit_button)
        row.addWidget(self.deny_button)
        self.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        name = isolate(self.waiting.name)
        self.name_label.setText(name)
        since = format_time(dt.datetime.fromtimestamp(self.waiting.since))
        self.since_label.setText(self.tr("Waiting since %1").replace("%1", since))
        self.warning_label.setToolTip(
            self.tr("Someone called %1 is already in the meeting. Check before admitting.").replace(
                "%1", name
            )
        )
        self.admit_button.setText(self.tr("Admit"))
        self.admit_button.setToolTip(self.tr("Let %1 into the meeting").replace("%1", name))
        self.deny_button.setText(self.tr("Deny"))
        self.deny_button.setToolTip(self.tr("Turn %1 away").replace("%1", name))


class WaitingRoomPanel(QWidget):
    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waitingRoomPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        # As tall as its rows (up to the list's limit), never stretched.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._bridge = bridge
        self._view: p.MeetingView | None = None
        self.rows: dict[str, WaitingRow] = {}
        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        self.admit_all_button = QPushButton()
        self.admit_all_button.setObjectName("admitAllButton")
        self.admit_all_button.clicked.connect(lambda: self._bridge.send(p.AdmitAll()))
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.admit_all_button)
        self._list = QWidget()
        self._list.setObjectName("waitingList")
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.setContentsMargins(0, 0, 0, 0)
        self._list_layout.setSpacing(2)
        self._list_layout.addStretch(1)
        self._scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._list)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(header)
        layout.addWidget(scroll)
        self.update_view(bridge.view)

    def row(self, pid: str) -> WaitingRow:
        return self.rows[pid]

    def update_view(self, view: p.MeetingView | None) -> None:
        self._view = view
        lobby = list(view.lobby) if view is not None else []
        inside = [x.name for x in view.participants] if view is not None else []
        for pid in [pid for pid in self.rows if pid not in {w.pid for w in lobby}]:
            row = self.rows.pop(pid)
            self._list_layout.removeWidget(row)
            row.deleteLater()
        for waiting in lobby:
            duplicate = any(_same_name(waiting.name, name) for name in inside) or any(
                _same_name(waiting.name, w.name) for w in lobby if w.pid != waiting.pid
            )
            existing = self.rows.get(waiting.pid)
            if existing is None:
                row = WaitingRow(waiting, duplicate)
                pid = waiting.pid
                row.admit_button.clicked.connect(
                    lambda _=False, pid=pid: self._bridge.send(p.Admit(pid=pid))
                )
                row.deny_button.clicked.connect(
                    lambda _=False, pid=pid: self._bridge.send(p.Deny(pid=pid))
                )
                self._list_layout.insertWidget(self._list_layout.count() - 1, row)
                row.show()  # counted in the list's size hint right away,
                row.ensurePolished()  # at its styled size
                self.rows[pid] = row
            else:
                existing.waiting, existing.duplicate = waiting, duplicate
                existing.warning_label.setVisible(duplicate)
                existing.retranslate_ui()
        # Show every row, up to about five; then the list scrolls.
        self._list_layout.invalidate()
        self._scroll.setFixedHeight(min(MAX_LIST_HEIGHT, self._list.sizeHint().height()))
        self.retranslate_ui()

    def wanted(self) -> bool:
        """Whether the window should show the panel: a host or co-host and someone waiting."""
        return is_host_like(self._view) and bool(self.rows)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        count = len(self.rows)
        self.title.setText(self.tr("Waiting room (%Ln)", "", count))
        self.admit_all_button.setText(self.tr("Admit all"))
        admit_all = self.tr("Let the %Ln person(s) waiting into the meeting", "", count)
        self.admit_all_button.setToolTip(admit_all)
        self.admit_all_button.setAccessibleDescription(admit_all)
