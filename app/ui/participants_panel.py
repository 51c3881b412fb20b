"""Who is in the meeting: role, microphone and camera, raised hands, and each
person's menu (host powers for hosts and co-hosts, rename / hand for yourself)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QSize, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.client.bridge import SessionBridge
from app.core import protocol as p
from app.core.roles import Role
from app.i18n import isolate
from app.ui.abilities import is_host_like, role_name
from app.ui.dialogs import MeetingDialogs
from app.ui.participant_menu import ParticipantMenu
from app.ui.ui_icons import ui_icon

__all__ = ["ParticipantRow", "ParticipantsPanel", "sort_participants"]

ICON = 18


def sort_participants(view: p.MeetingView) -> list[p.ParticipantView]:
    """You first, then the host, co-hosts, raised hands (first raised... by join time), others."""

    def rank(x: p.ParticipantView) -> tuple[int, float]:
        if x.pid == view.you:
            return (0, 0.0)
        if x.role == Role.HOST:
            return (1, x.joined_at)
        if x.role == Role.COHOST:
            return (2, x.joined_at)
        if x.hand_raised:
            return (3, x.joined_at)
        return (4, x.joined_at)

    return sorted(view.participants, key=rank)


class ParticipantRow(QWidget):
    """One line of the list; the "more" button opens the person's menu."""

    def __init__(
        self, participant: p.ParticipantView, is_self: bool, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.participant = participant
        self.is_self = is_self
        self.setObjectName("participantRow")
        self.name_label = QLabel()
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.role_label = QLabel()
        self.role_label.setObjectName("roleLabel")
        self.hand_label = QLabel()
        self.hand_label.setPixmap(ui_icon("hand").pixmap(ICON, ICON))
        self.mic_label = QLabel()
        self.camera_label = QLabel()
        self.more_button = QToolButton()
        self.more_button.setIcon(ui_icon("more"))
        self.more_button.setAutoRaise(True)
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.name_label)
        names.addWidget(self.role_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 4, 4)
        row.addLayout(names, 1)
        row.addWidget(self.hand_label)
        row.addWidget(self.mic_label)
        row.addWidget(self.camera_label)
        row.addWidget(self.more_button)
        self.set_participant(participant, is_self)

    def set_participant(self, participant: p.ParticipantView, is_self: bool) -> None:
        self.participant, self.is_self = participant, is_self
        self.hand_label.setVisible(participant.hand_raised)
        self.mic_label.setPixmap(
            ui_icon("mic" if participant.audio_on else "mic-off").pixmap(ICON, ICON)
        )
        self.camera_label.setPixmap(
            ui_icon("camera" if participant.video_on else "camera-off").pixmap(ICON, ICON)
        )
        self.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        x = self.participant
        if self.is_self:
            self.name_label.setText(self.tr("%1 (you)").replace("%1", isolate(x.name)))
        else:
            self.name_label.setText(isolate(x.name))
        role = role_name(x.role)
        self.role_label.setText(role)
        self.role_label.setVisible(bool(role))
        self.hand_label.setToolTip(self.tr("Hand raised"))
        self.mic_label.setToolTip(self.tr("Microphone on") if x.audio_on else self.tr("Muted"))
        self.camera_label.setToolTip(self.tr("Video on") if x.video_on else self.tr("Video off"))
        self.more_button.setToolTip(self.tr("More actions for %1").replace("%1", isolate(x.name)))
        self.more_button.setAccessibleName(self.more_button.toolTip())


class ParticipantsPanel(QWidget):
    def __init__(
        self, bridge: SessionBridge, dialogs: MeetingDialogs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("participantsPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._bridge = bridge
        self._dialogs = dialogs
        self._view: p.MeetingView | None = None
        self.rows: dict[str, ParticipantRow] = {}
        self.menu: ParticipantMenu | None = None
        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        self.list = QListWidget()
        self.list.setObjectName("participantsList")
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.mute_all_button = QPushButton()
        self.mute_all_button.clicked.connect(lambda: self._bridge.send(p.MuteAll()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(self.mute_all_button)
        layout.addLayout(footer)
        self.update_view(bridge.view)

    # ------------------------------------------------------------ state

    def update_view(self, view: p.MeetingView | None) -> None:
        self._view = view
        people = sort_participants(view) if view is not None else []
        order = [x.pid for x in people]
        if order != list(self.rows):
            self.list.clear()
            self.rows = {}
            for x in people:
                row = ParticipantRow(x, view is not None and x.pid == view.you)
                row.more_button.clicked.connect(
                    lambda _=False, pid=x.pid, r=row: self.open_menu(
                        pid, r.more_button.mapToGlobal(QPoint(0, r.more_button.height()))
                    )
                )
                item = QListWidgetItem()
                item.setData(Qt.ItemDataRole.UserRole, x.pid)
                item.setSizeHint(QSize(200, max(44, row.sizeHint().height())))
                self.list.addItem(item)
                self.list.setItemWidget(item, row)
                self.rows[x.pid] = row
        else:
            for x in people:
                self.rows[x.pid].set_participant(x, view is not None and x.pid == view.you)
        self.mute_all_button.setVisible(is_host_like(view))
        if self.menu is not None:
            self.menu.update_view(view)
        self.retranslate_ui()

    # ------------------------------------------------------------ menus

    def menu_for(self, pid: str) -> ParticipantMenu:
        """The menu for ``pid`` (built fresh; it follows the meeting while open)."""
        if self.menu is not None:
            self.menu.close()
            self.menu.deleteLater()
        self.menu = ParticipantMenu(self._bridge, self._dialogs, pid, self)
        return self.menu

    def open_menu(self, pid: str, where: QPoint) -> ParticipantMenu:
        menu = self.menu_for(pid)
        menu.popup(where)
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is not None:
            self.open_menu(str(item.data(Qt.ItemDataRole.UserRole)), self.list.mapToGlobal(pos))

    # ------------------------------------------------------------ language

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        count = len(self._view.participants) if self._view is not None else 0
        self.title.setText(self.tr("Participants (%Ln)", "", count))
        self.mute_all_button.setText(self.tr("Mute all"))
        self.mute_all_button.setToolTip(self.tr("Mute everyone except the hosts"))
