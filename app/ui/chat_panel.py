"""Meeting chat: to everyone or privately to one person, with times.

Each message takes its direction from its own text (the first strong letter), so an
Arabic message reads right-to-left in an English window and the other way round;
Qt's bidirectional algorithm orders mixed words inside it. Your messages sit on the
trailing side, others' on the leading side, mirrored in right-to-left layouts.
Text is always shown as plain text, never as markup.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.client.bridge import SessionBridge
from app.core import protocol as p
from app.core.meeting import MAX_CHAT_LENGTH
from app.i18n import format_time, isolate
from app.ui.abilities import chat_ability, find
from app.ui.ui_icons import ui_icon

__all__ = ["ChatBubble", "ChatPanel", "text_direction"]


def text_direction(text: str) -> Qt.LayoutDirection:
    """The direction of ``text`` from its first strong letter; the UI's when it has none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return Qt.LayoutDirection.LeftToRight
        if kind in ("R", "AL"):
            return Qt.LayoutDirection.RightToLeft
    return QGuiApplication.layoutDirection()


class ChatBubble(QFrame):
    def __init__(
        self,
        message: p.ChatMessage,
        *,
        mine: bool,
        to_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.message = message
        self.mine = mine
        self.to_name = to_name
        self.setObjectName("chatBubbleMine" if mine else "chatBubble")
        self.sender_label = QLabel()
        self.sender_label.setObjectName("chatSender")
        self.sender_label.setTextFormat(Qt.TextFormat.PlainText)
        self.time_label = QLabel()
        self.time_label.setObjectName("secondaryLabel")
        self.text_label = QLabel()
        self.text_label.setObjectName("chatText")
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_label.setText(message.text)
        # The message's own direction, from its content (not the UI's).
        self.text_label.setLayoutDirection(text_direction(message.text))
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
        header = QHBoxLayout()
        header.setSpacing(6)
        header.addWidget(self.sender_label)
        header.addWidget(self.time_label)
        header.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.text_label)
        self.retranslate_ui()

    def fit(self, max_width: int) -> None:
        """At most ``max_width`` wide; short messages stay on one line."""
        self.setMaximumWidth(max_width)
        metrics = self.text_label.fontMetrics()
        lines = self.message.text.splitlines() or [""]
        natural = max(metrics.horizontalAdvance(line) for line in lines) + 4
        margins = self.contentsMargins()
        room = max(40, max_width - margins.left() - margins.right() - 20)
        self.text_label.setMinimumWidth(min(natural, room))

    @property
    def private(self) -> bool:
        return self.message.to is not None

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        m = self.message
        if self.mine and m.to is None:
            sender = self.tr("You")
        elif self.mine:
            sender = self.tr("You to %1 (privately)").replace("%1", isolate(self.to_name))
        elif m.to is None:
            sender = isolate(m.from_name)
        else:
            sender = self.tr("%1 to you (privately)").replace("%1", isolate(m.from_name))
        self.sender_label.setText(sender)
        self.time_label.setText(format_time(dt.datetime.fromtimestamp(m.at)))


class ChatPanel(QWidget):
    unread_changed = Signal(int)

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._bridge = bridge
        self._view: p.MeetingView | None = None
        self.bubbles: list[ChatBubble] = []
        self.unread = 0
        self.title = QLabel()
        self.title.setObjectName("panelTitle")

        self._messages = QWidget()
        self._messages.setObjectName("chatMessages")
        self._messages_layout = QVBoxLayout(self._messages)
        self._messages_layout.setContentsMargins(4, 4, 4, 4)
        self._messages_layout.setSpacing(6)
        self._messages_layout.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self._messages)
        self.scroll_area.verticalScrollBar().rangeChanged.connect(self._stick_to_bottom)
        self._stick = True

        self.disabled_label = QLabel()
        self.disabled_label.setObjectName("chatDisabled")
        self.disabled_label.setWordWrap(True)
        self.disabled_label.setVisible(False)
        self.to_label = QLabel()
        self.recipients = QComboBox()
        self.recipients.setObjectName("chatRecipients")
        self.input = QLineEdit()
        self.input.setObjectName("chatInput")
        self.input.setMaxLength(MAX_CHAT_LENGTH)
        self.input.returnPressed.connect(self.send_current)
        self.send_button = QToolButton()
        self.send_button.setObjectName("chatSend")
        self.send_button.setAutoRaise(True)
        self.send_button.clicked.connect(self.send_current)
        self.input.textChanged.connect(self._update_send)

        to_row = QHBoxLayout()
        to_row.addWidget(self.to_label)
        to_row.addWidget(self.recipients, 1)
        input_row = QHBoxLayout()
        input_row.addWidget(self.input, 1)
        input_row.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.disabled_label)
        layout.addLayout(to_row)
        layout.addLayout(input_row)
        self.update_view(bridge.view)

    # ------------------------------------------------------------ state

    def update_view(self, view: p.MeetingView | None) -> None:
        self._view = view
        self._fill_recipients()
        ability = chat_ability(view)
        allowed = ability.allowed and view is not None
        self.input.setEnabled(allowed)
        self.recipients.setEnabled(allowed)
        self.disabled_label.setVisible(not ability.allowed)
        self.disabled_label.setText(ability.reason)
        self.input.setToolTip(ability.reason)
        self._update_send()
        self.retranslate_ui()

    def _fill_recipients(self) -> None:
        chosen = self.recipients.currentData()
        view = self._view
        you = view.you if view is not None else ""
        people = view.participants if view is not None else []
        others = sorted((x for x in people if x.pid != you), key=lambda x: x.name.casefold())
        wanted = [None, *(x.pid for x in others)]
        names = [self.tr("Everyone"), *(isolate(x.name) for x in others)]
        current = [self.recipients.itemData(i) for i in range(self.recipients.count())]
        current_names = [self.recipients.itemText(i) for i in range(self.recipients.count())]
        if current != wanted or current_names != names:
            self.recipients.blockSignals(True)
            self.recipients.clear()
            for pid, name in zip(wanted, names, strict=True):
                self.recipients.addItem(name, pid)
            index = self.recipients.findData(chosen) if chosen is not None else 0
            self.recipients.setCurrentIndex(max(0, index))
            self.recipients.blockSignals(False)

    def set_recipient(self, pid: str | None) -> None:
        index = self.recipients.findData(pid) if pid is not None else 0
        if index >= 0:
            self.recipients.setCurrentIndex(index)

    def recipient(self) -> str | None:
        data = self.recipients.currentData()
        return str(data) if data else None

    def _update_send(self) -> None:
        self.send_button.setEnabled(self.input.isEnabled() and bool(self.input.text().strip()))

    def send_current(self) -> None:
        text = self.input.text().strip()
        if not text or not self.input.isEnabled():
            return
        self._bridge.chat(text, self.recipient())
        self.input.clear()

    def add_message(self, message: p.ChatMessage) -> ChatBubble:
        view = self._view
        mine = view is not None and message.from_pid == view.you
        to_name = ""
        if message.to is not None:
            target = find(view, message.to)
            to_name = target.name if target is not None else ""
        bubble = ChatBubble(message, mine=mine, to_name=to_name)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if mine:
            row.addStretch(1)
        row.addWidget(bubble)
        if not mine:
            row.addStretch(1)
        self._messages_layout.insertLayout(self._messages_layout.count() - 1, row)
        bubble.fit(self._bubble_width())
        self.bubbles.append(bubble)
        self._stick = True
        if not self.isVisible():
            self.unread += 1
            self.unread_changed.emit(self.unread)
        return bubble

    def _bubble_width(self) -> int:
        return max(160, int(self.scroll_area.viewport().width() * 0.82))

    def _stick_to_bottom(self, _minimum: int, maximum: int) -> None:
        if self._stick:
            self.scroll_area.verticalScrollBar().setValue(maximum)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = self._bubble_width()
        for bubble in self.bubbles:
            bubble.fit(width)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.unread:
            self.unread = 0
            self.unread_changed.emit(0)

    # ------------------------------------------------------------ language

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self._fill_recipients()
        elif event.type() == QEvent.Type.LayoutDirectionChange:
            self.send_button.setIcon(ui_icon("send"))
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.title.setText(self.tr("Chat"))
        self.to_label.setText(self.tr("To:"))
        if self.recipients.count():
            self.recipients.setItemText(0, self.tr("Everyone"))
        self.input.setPlaceholderText(
            self.tr("Type a message…") if self.input.isEnabled() else self.tr("Chat is off")
        )
        self.send_button.setIcon(ui_icon("send"))
        self.send_button.setToolTip(self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Send"))
        ability = chat_ability(self._view)
        self.disabled_label.setText(ability.reason)
        self.input.setToolTip(ability.reason)
