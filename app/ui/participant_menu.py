"""The menu for one person in the participants list.

Hosts and co-hosts get their powers over that person; everyone sees every item that
applies, and the ones they may not use are greyed out with a tooltip saying why.
On your own entry: rename yourself (if the host allows it) and raise or lower your hand.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from app.client.bridge import SessionBridge
from app.core import protocol as p
from app.core.roles import Role
from app.i18n import isolate
from app.ui.abilities import Ability, act_on, cohost_ability, find, is_host_like, rename_ability
from app.ui.dialogs import MeetingDialogs

__all__ = ["ParticipantMenu"]


class ParticipantMenu(QMenu):
    def __init__(
        self,
        bridge: SessionBridge,
        dialogs: MeetingDialogs,
        pid: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("participantMenu")
        self.setToolTipsVisible(True)
        self._bridge = bridge
        self._dialogs = dialogs
        self.pid = pid
        self._view: p.MeetingView | None = bridge.view
        self.is_self = bridge.view is not None and bridge.view.you == pid
        self.mute_action = self._add(self._mute)
        self.ask_unmute_action = self._add(self._ask_unmute)
        self.stop_video_action = self._add(self._stop_video)
        self.stop_share_action = self._add(self._stop_share)
        self.addSeparator()
        self.cohost_action = self._add(self._toggle_cohost)
        self.rename_action = self._add(self._rename)
        self.hand_action = self._add(self._hand)
        self.addSeparator()
        self.waiting_room_action = self._add(self._to_waiting_room)
        self.remove_action = self._add(self._remove)
        self.report_action = self._add(self._report)
        self.abilities: dict[str, Ability] = {}
        self.update_view(bridge.view)

    def _add(self, slot: object) -> QAction:
        action = self.addAction("")
        action.triggered.connect(slot)
        return action

    def _target(self) -> p.ParticipantView | None:
        return find(self._view, self.pid)

    # ------------------------------------------------------------ state

    def update_view(self, view: p.MeetingView | None) -> None:
        self._view = view
        target = self._target()
        self.is_self = view is not None and view.you == self.pid
        host_like = is_host_like(view)
        power = act_on(view, self.pid)
        yes = Ability(True)
        abilities: dict[str, Ability] = {}
        if target is None:
            gone = act_on(view, self.pid)
            abilities = dict.fromkeys(
                (
                    "mute",
                    "ask",
                    "video",
                    "share",
                    "cohost",
                    "rename",
                    "hand",
                    "waiting",
                    "remove",
                    "report",
                ),
                gone,
            )
        else:
            abilities["mute"] = (
                power if not power or target.audio_on else Ability(False, self.tr("Already muted"))
            )
            if not power:
                abilities["ask"] = power
            elif target.audio_on:
                abilities["ask"] = Ability(False, self.tr("Their microphone is already on"))
            elif view is not None and view.suspended:
                abilities["ask"] = Ability(False, self.tr("Participant activities are suspended"))
            else:
                abilities["ask"] = yes
            abilities["video"] = (
                power
                if not power or target.video_on
                else Ability(False, self.tr("Their video is already off"))
            )
            abilities["share"] = (
                power
                if not power or target.screen_on
                else Ability(False, self.tr("They are not sharing their screen"))
            )
            abilities["cohost"] = cohost_ability(view, self.pid)
            if abilities["cohost"] and Role(target.role) is Role.HOST:
                abilities["cohost"] = Ability(False, self.tr("This is the host"))
            abilities["rename"] = rename_ability(view, self.pid)
            if self.is_self:
                abilities["hand"] = yes
            elif not host_like:
                abilities["hand"] = Ability(
                    False, self.tr("Only the host and co-hosts can lower someone's hand")
                )
            elif not target.hand_raised:
                abilities["hand"] = Ability(False, self.tr("Their hand is not raised"))
            else:
                abilities["hand"] = yes
            abilities["waiting"] = power
            abilities["remove"] = power
            abilities["report"] = (
                Ability(False, self.tr("You cannot report yourself")) if self.is_self else yes
            )
        self.abilities = abilities
        pairs = {
            "mute": self.mute_action,
            "ask": self.ask_unmute_action,
            "video": self.stop_video_action,
            "share": self.stop_share_action,
            "cohost": self.cohost_action,
            "rename": self.rename_action,
            "hand": self.hand_action,
            "waiting": self.waiting_room_action,
            "remove": self.remove_action,
            "report": self.report_action,
        }
        own_items = {"rename", "hand"}
        for key, action in pairs.items():
            ability = abilities[key]
            action.setEnabled(ability.allowed)
            action.setToolTip(ability.reason)
            # On your own entry only what applies to yourself is listed.
            action.setVisible(not self.is_self or key in own_items)
        self.retranslate_ui()

    # ------------------------------------------------------------ actions

    def _mute(self) -> None:
        self._bridge.send(p.Mute(pid=self.pid))

    def _ask_unmute(self) -> None:
        self._bridge.send(p.AskToUnmute(pid=self.pid))

    def _stop_video(self) -> None:
        self._bridge.send(p.StopVideo(pid=self.pid))

    def _stop_share(self) -> None:
        self._bridge.send(p.StopShare(pid=self.pid))

    def _toggle_cohost(self) -> None:
        target = self._target()
        if target is not None:
            on = Role(target.role) is not Role.COHOST
            self._bridge.send(p.SetCohost(pid=self.pid, on=on))

    def _rename(self) -> None:
        target = self._target()
        if target is None:
            return
        if self.is_self:
            title, label = self.tr("Rename"), self.tr("Your name in this meeting:")
        else:
            title = self.tr("Rename participant")
            label = self.tr("New name for %1:").replace("%1", isolate(target.name))
        pid = self.pid
        self._dialogs.ask_text(
            title, label, target.name, lambda name: self._bridge.send(p.Rename(pid=pid, name=name))
        )

    def _hand(self) -> None:
        target = self._target()
        if target is None:
            return
        if self.is_self:
            self._bridge.send(p.RaiseHand(up=not target.hand_raised))
        else:
            self._bridge.send(p.LowerHand(pid=self.pid))

    def _to_waiting_room(self) -> None:
        self._bridge.send(p.SendToWaitingRoom(pid=self.pid))

    def _remove(self) -> None:
        target = self._target()
        if target is None:
            return
        pid = self.pid
        self._dialogs.confirm(
            self.tr("Remove participant"),
            self.tr("Remove %1 from the meeting? They cannot come back.").replace(
                "%1", isolate(target.name)
            ),
            self.tr("Remove"),
            lambda: self._bridge.send(p.Remove(pid=pid)),
        )

    def _report(self) -> None:
        target = self._target()
        if target is None:
            return
        pid = self.pid
        picker = self._dialogs.ask_participant(
            self.tr("Report participant"),
            self.tr("Tell the host about a problem with this person."),
            self.tr("Report"),
            [(target.pid, target.name)],
            lambda chosen, reason: self._bridge.send(
                p.ReportParticipant(pid=chosen, reason=reason)
            ),
            with_reason=True,
        )
        picker.select(pid)

    # ------------------------------------------------------------ language

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            # The tooltips saying why an item is greyed out are sentences too.
            self.update_view(self._view)  # ends with retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        target = self._target()
        self.mute_action.setText(self.tr("Mute"))
        self.ask_unmute_action.setText(self.tr("Ask to unmute"))
        self.stop_video_action.setText(self.tr("Stop video"))
        self.stop_share_action.setText(self.tr("Stop screen share"))
        if target is not None and Role(target.role) is Role.COHOST:
            self.cohost_action.setText(self.tr("Remove co-host"))
        else:
            self.cohost_action.setText(self.tr("Make co-host"))
        self.rename_action.setText(self.tr("Rename…"))
        if self.is_self and not (target is not None and target.hand_raised):
            self.hand_action.setText(self.tr("Raise hand"))
        else:
            self.hand_action.setText(self.tr("Lower hand"))
        self.waiting_room_action.setText(self.tr("Put in waiting room"))
        self.remove_action.setText(self.tr("Remove…"))
        self.report_action.setText(self.tr("Report…"))
