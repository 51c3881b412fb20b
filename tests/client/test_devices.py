"""LocalDevices: a settings change restarts only the media it touches."""

from __future__ import annotations

import dataclasses

from app.client.devices import _CONFIG_FIELDS, LocalDevices
from app.client.state import PATTERN, SYNTHETIC, MediaConfig
from app.core.roles import MediaKind
from app.media.processing import ProcessingConfig


def test_every_config_field_belongs_to_a_kind() -> None:
    # A new MediaConfig field must say which media it restarts, or changing it in
    # Settings would silently do nothing until the next call.
    fields = {f.name for f in dataclasses.fields(MediaConfig)} - {"speaker"}
    assert fields == set().union(*_CONFIG_FIELDS.values())


async def test_a_settings_change_restarts_only_the_kinds_it_touches() -> None:
    devices = LocalDevices(MediaConfig(camera=PATTERN, microphone=SYNTHETIC))
    video = await devices.start(MediaKind.VIDEO)
    audio = await devices.start(MediaKind.AUDIO)
    try:
        low = ProcessingConfig(noise_suppression_level="low")
        config = dataclasses.replace(devices.config, processing=low)
        changed = await devices.reconfigure(config)
        assert set(changed) == {MediaKind.AUDIO}  # the camera does not blink
        assert await devices.start(MediaKind.VIDEO) is video
        new_audio = changed[MediaKind.AUDIO]
        assert new_audio is not None and new_audio is not audio
        assert devices.config.processing == low

        changed = await devices.reconfigure(dataclasses.replace(config, pattern_label="Sara"))
        assert set(changed) == {MediaKind.VIDEO}
        assert changed[MediaKind.VIDEO] is not video
        assert await devices.start(MediaKind.AUDIO) is new_audio

        assert await devices.reconfigure(dataclasses.replace(config, pattern_label="Sara")) == {}
    finally:
        devices.stop(MediaKind.VIDEO)
        devices.stop(MediaKind.AUDIO)
