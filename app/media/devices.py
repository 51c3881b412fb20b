"""Sound device lists through PortAudio (sounddevice), safe when there is no sound at all.

``import sounddevice`` itself raises when PortAudio is missing, and PortAudio
raises when there is no default device: every function here turns that into an
empty list or None instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

from .audioformat import SAMPLE_RATE, stream_formats

logger = logging.getLogger(__name__)

# The device block: 10 ms. Each block waits in a buffer at both ends (capture and
# playback), so halving the app's 20 ms frame here takes ~15 ms off mouth to ear.
BLOCK_SAMPLES = SAMPLE_RATE // 100

Kind = Literal["input", "output"]

_sd: ModuleType | None = None
_sd_error: str | None = None


def portaudio() -> ModuleType | None:
    """The ``sounddevice`` module, or None if PortAudio cannot be loaded."""
    global _sd, _sd_error
    if _sd is None and _sd_error is None:
        try:
            # Lazy: a missing PortAudio must not break importing the app.
            import sounddevice

            _sd = sounddevice
        except OSError as exc:
            _sd_error = f"PortAudio not available: {exc}"
            logger.warning(_sd_error)
    return _sd


def portaudio_error() -> str | None:
    """Why ``portaudio()`` returned None."""
    portaudio()
    return _sd_error


@dataclass(frozen=True, slots=True)
class AudioDevice:
    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float


def _all_devices() -> list[AudioDevice]:
    sd = portaudio()
    if sd is None:
        return []
    try:
        raw: Any = sd.query_devices()
        hostapis: Any = sd.query_hostapis()
    except Exception as exc:
        logger.warning("cannot list sound devices: %s", exc)
        return []
    devices = []
    for info in raw:
        devices.append(
            AudioDevice(
                index=int(info["index"]),
                name=str(info["name"]),
                hostapi=str(hostapis[info["hostapi"]]["name"]),
                max_input_channels=int(info["max_input_channels"]),
                max_output_channels=int(info["max_output_channels"]),
                default_samplerate=float(info["default_samplerate"]),
            )
        )
    return devices


def _channels(device: AudioDevice, kind: Kind) -> int:
    return device.max_input_channels if kind == "input" else device.max_output_channels


def list_devices(kind: Kind) -> list[AudioDevice]:
    """Devices with at least one channel of ``kind``."""
    return [d for d in _all_devices() if _channels(d, kind) > 0]


def list_input_devices() -> list[AudioDevice]:
    return list_devices("input")


def list_output_devices() -> list[AudioDevice]:
    return list_devices("output")


def default_device(kind: Kind) -> AudioDevice | None:
    """PortAudio's default for ``kind``, else the first device that has ``kind`` channels."""
    devices = list_devices(kind)
    sd = portaudio()
    if sd is None or not devices:
        return None
    try:
        index = sd.default.device[0 if kind == "input" else 1]
    except Exception:
        index = -1
    for device in devices:
        if device.index == index:
            return device
    try:  # no explicit default set: ask the host API
        info: Any = sd.query_devices(kind=kind)
        for device in devices:
            if device.name == info["name"]:
                return device
    except Exception:
        pass
    return devices[0]


def default_input_device() -> AudioDevice | None:
    return default_device("input")


def default_output_device() -> AudioDevice | None:
    return default_device("output")


def find_device(name: str, kind: Kind) -> AudioDevice | None:
    """Pick a device by name: exact, then case-insensitive, then substring match.

    Names repeat across host APIs on Windows (MME, WASAPI, ...): the first match
    in PortAudio's order, which starts with the default host API, wins.
    """
    devices = list_devices(kind)
    folded = name.casefold()
    for match in (
        lambda d: d.name == name,
        lambda d: d.name.casefold() == folded,
        lambda d: folded in d.name.casefold(),
    ):
        for device in devices:
            if match(device):
                return device
    return None


def resolve_device(device: int | str | None, kind: Kind) -> AudioDevice | None:
    """An index, a name or None (the default) to a device, or None if there is none."""
    if device is None:
        return default_device(kind)
    if isinstance(device, str):
        return find_device(device, kind)
    for candidate in list_devices(kind):
        if candidate.index == device:
            return candidate
    return None


def rescan_devices() -> bool:
    """Make PortAudio list devices plugged in (or out) since it started.

    PortAudio builds its device list once; re-initialising it is the only way to
    see changes, and it invalidates open streams: call it only when none are open.
    Uses sounddevice's private ``_terminate``/``_initialize`` (stable since 0.3).
    """
    sd = portaudio()
    if sd is None:
        return False
    try:
        sd._terminate()
        sd._initialize()
    except Exception as exc:
        logger.warning("cannot rescan sound devices: %s", exc)
        return False
    return True


def open_stream(
    kind: Kind,
    device: AudioDevice,
    preferred_rate: int,
    callback: Callable[..., None],
    finished: Callable[[], None],
    prepare: Callable[[int], None],
) -> Any:
    """Open and start an int16 PortAudio stream of 10 ms blocks on ``device``.

    Tries ``preferred_rate`` first, then the device's own rate and channel counts
    (``stream_formats``). ``prepare(rate)`` runs before the stream starts, so the
    caller's rate converter is ready when the first callback arrives.
    """
    sd = portaudio()
    assert sd is not None
    stream_class = sd.InputStream if kind == "input" else sd.OutputStream
    formats = stream_formats(preferred_rate, device.default_samplerate, _channels(device, kind))
    last_error: Exception | None = None
    for rate, channels in formats:
        try:
            stream = stream_class(
                device=device.index,
                samplerate=rate,
                channels=channels,
                dtype="int16",
                blocksize=BLOCK_SAMPLES * rate // SAMPLE_RATE,
                latency="low",
                callback=callback,
                finished_callback=finished,
            )
        except Exception as exc:
            last_error = exc
            continue
        prepare(rate)
        try:
            stream.start()
        except Exception:
            stream.close()
            raise
        return stream
    raise RuntimeError(str(last_error) if last_error else "no usable format")
