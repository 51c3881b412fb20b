"""Mouth-to-ear audio latency with real sound devices: through the relay and direct.

A click train plays into a PulseAudio sink that one client's microphone records;
the other client's speaker plays into a second sink. Both sinks are the two
channels of one stereo null sink (remap modules), so a single recording of its
monitor holds mouth (left) and ear (right) on one clock: the delay between a
click on the left and the same click on the right is the whole path, device
buffers included (capture buffer, processing, Opus, network, aiortc's receive
jitter buffer, the relay, the mixer's jitter buffer, the playback buffer).

Paths:
- ``relay``: two ``MeetingSession``s through a real embedded server (its
  pass-through relay runs in a child process, as in the app);
- ``p2p``: one aiortc peer connection pair in this process, same tracks, mixer
  and speaker, no relay.

Client-side knobs swept: aiortc's audio jitter-buffer prefetch on the receiving
client (aiortc's default: 4 frames; the app's client: 1) and the mixer's
``target_ms``/``max_ms``. ``CLIENT`` is what the app does; ``python -m bench``
measures only that (see ``bench.suite``).

    python -m bench.audio_latency            # default sweep, ~2 minutes
    python -m bench.audio_latency --seconds 4 --json out.json
    python -m bench.audio_latency --tuning client --seconds 3 --warmup 1

Needs ``pulseaudio``/``pactl``/``parec`` and PortAudio with the ALSA ``pulse``
device (Debian: pulseaudio libasound2-plugins libportaudio2). It always starts a
private PulseAudio server of its own (own runtime directory and socket), so it
never loads modules into a desktop's server or the one the tests start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bench.stats import percentile

if TYPE_CHECKING:
    from app.media.mixer import AudioMixer

STEREO = "liqaa_bench_lat"
MOUTH = "liqaa_bench_mouth"  # left channel: what the sender's microphone hears
EAR = "liqaa_bench_ear"  # right channel: what the receiver's speaker plays
MIC = "liqaa_bench_mic"  # the left channel of the monitor, as a source
DEVICE = "pulse"
RATE = 48000
CLICK_PERIOD = 0.4
_ENV_KEYS = ("PULSE_SERVER", "PULSE_SINK", "PULSE_SOURCE", "PULSE_PROP")
_ROLE = "liqaa.bench.role"  # our tag on each stream: mouth, ear or mic
_START_TIMEOUT = 15.0
EXIT_SKIPPED = 3  # main(): no PulseAudio here, the figures say why


@dataclass(frozen=True)
class Tuning:
    prefetch: int = 4  # aiortc's audio JitterBuffer prefetch on the receiving client
    target_ms: float | None = 40.0  # None: AudioMixer's default
    max_ms: float | None = 120.0

    def mixer(self) -> AudioMixer:
        from app.media.mixer import AudioMixer

        target, limit = self.mixer_ms
        return AudioMixer(target_ms=target, max_ms=limit)

    @property
    def mixer_ms(self) -> tuple[float, float]:
        from app.media.mixer import AudioMixer

        defaults = inspect.signature(AudioMixer).parameters
        target = self.target_ms if self.target_ms is not None else defaults["target_ms"].default
        limit = self.max_ms if self.max_ms is not None else defaults["max_ms"].default
        return float(target), float(limit)

    @property
    def label(self) -> str:
        target, limit = self.mixer_ms
        return f"prefetch={self.prefetch} mixer={target:g}/{limit:g}"


@dataclass
class Result:
    path: str
    tuning: str
    clicks_sent: int
    clicks_heard: int
    p50_ms: float | None
    p95_ms: float | None
    max_ms: float | None
    underruns: int
    dropped_ms: float
    samples_ms: list[float] = field(default_factory=list)
    # One p50 per set-up: within one the delay hardly moves (it is fixed by how full
    # the playback buffers were when audio started), between set-ups it does.
    rounds_p50_ms: list[float | None] = field(default_factory=list)


BASELINE = Tuning(4, 40.0, 120.0)
SWEEP = (BASELINE, Tuning(1, 40.0, 120.0), Tuning(1, 30.0, 100.0), Tuning(0, 20.0, 80.0))
# The app's client: app/rtc/recovery.py releases each audio frame as it arrives (it
# waits only behind a gap), and LocalDevices uses AudioMixer's defaults. The P2P path's
# aiortc buffer comes closest with prefetch 0 (it holds one 20 ms frame).
CLIENT = Tuning(0, None, None)


# ---------------------------------------------------------------- PulseAudio rig


class RigUnavailable(RuntimeError):
    """PulseAudio (or PortAudio's view of it) cannot be set up on this machine."""


@dataclass(frozen=True)
class Rig:
    server: str
    version: str


def _pactl(*args: str) -> str:
    return subprocess.run(
        ["pactl", *args], check=True, capture_output=True, text=True, timeout=10
    ).stdout.strip()


def _restart_portaudio() -> None:
    import sounddevice as sd

    # PortAudio lists devices once, at initialisation.
    sd._terminate()
    sd._initialize()


class _Keepalive:
    """A 10 ms recording of the stereo monitor, drained and thrown away.

    An idle null sink renders in 2 s blocks; a low-latency reader keeps it
    rendering in small ones, so streams start promptly and the recording runs on
    a fine clock.
    """

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            ["parec", f"--device={STEREO}.monitor", "--latency-msec=10", "--raw"],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        self.flowing = threading.Event()
        self._thread = threading.Thread(target=self._drain, name="pulse-keepalive", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        while os.read(stdout.fileno(), 65536):  # whatever is there, as it comes
            self.flowing.set()

    def stop(self) -> None:
        _terminate(self._process, grace=5)
        self._thread.join(5)


def _terminate(process: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM, then SIGKILL if it has not ended within ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@contextlib.contextmanager
def pulse_rig() -> Iterator[Rig]:
    """A private PulseAudio server with the stereo null sink and its mouth/ear halves.

    Always private (own runtime directory, socket, no default.pa): a desktop's
    server or the tests' ``pulse_server`` fixture keeps its modules, defaults and
    routing rules, none of which may move our streams; ``PULSE_SINK`` and
    ``PULSE_SOURCE`` inherited from such a set-up are dropped for the duration.
    Raises ``RigUnavailable`` with the reason when it cannot be set up.
    """
    missing = [b for b in ("pulseaudio", "pactl", "parec") if shutil.which(b) is None]
    if missing:
        raise RigUnavailable(
            f"{', '.join(missing)} not installed (Debian: pulseaudio pulseaudio-utils)"
        )
    try:
        import sounddevice  # noqa: F401
    except OSError as exc:
        raise RigUnavailable(f"PortAudio is not installed (Debian: libportaudio2): {exc}") from exc

    runtime = Path(tempfile.mkdtemp(prefix="liqaa-bench-pulse-"))
    socket = runtime / "native"
    log = runtime / "pulseaudio.log"
    env = {k: v for k, v in os.environ.items() if k not in _ENV_KEYS}
    env.update(
        XDG_RUNTIME_DIR=str(runtime),
        HOME=str(runtime),  # its cookie and state stay out of the real home
        PULSE_RUNTIME_PATH=str(runtime / "pulse"),
        PULSE_STATE_PATH=str(runtime / "state"),
    )
    with log.open("wb") as log_file:
        own = subprocess.Popen(
            [
                "pulseaudio",
                "--daemonize=no",
                "-n",  # no default.pa: no stream-restore, no suspend-on-idle
                "--exit-idle-time=-1",
                "--system=false",  # as root it would otherwise warn and may refuse
                "--use-pid-file=false",
                "--log-target=stderr",
                f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
        )
    saved = {k: os.environ.get(k) for k in _ENV_KEYS}
    os.environ["PULSE_SERVER"] = f"unix:{socket}"
    for key in ("PULSE_SINK", "PULSE_SOURCE", "PULSE_PROP"):
        os.environ.pop(key, None)
    keepalive: _Keepalive | None = None
    try:
        version = _wait_for_server(own, log)
        _pactl(
            "load-module",
            "module-null-sink",
            f"sink_name={STEREO}",
            f"rate={RATE}",
            "channels=2",
            "channel_map=front-left,front-right",
        )
        for name, channel in ((MOUTH, "front-left"), (EAR, "front-right")):
            _pactl(
                "load-module",
                "module-remap-sink",
                f"sink_name={name}",
                f"master={STEREO}",
                "channels=1",
                "channel_map=mono",
                f"master_channel_map={channel}",
                "remix=no",
            )
        _pactl(
            "load-module",
            "module-remap-source",
            f"source_name={MIC}",
            f"master={STEREO}.monitor",
            "channels=1",
            "channel_map=mono",
            "master_channel_map=front-left",
            "remix=no",
        )
        import sounddevice as sd

        _restart_portaudio()
        if not any(d["name"] == DEVICE for d in sd.query_devices()):
            raise RigUnavailable(
                f"PortAudio lists no {DEVICE!r} device (Debian: libasound2-plugins)"
            )
        keepalive = _Keepalive()
        # The first block of an idle null sink can take its full 2 s.
        if not keepalive.flowing.wait(_START_TIMEOUT):
            raise RigUnavailable("the null sink's monitor delivered nothing")
        time.sleep(0.2)
        yield Rig(os.environ["PULSE_SERVER"], version)
    finally:
        if keepalive is not None:
            keepalive.stop()
        own.terminate()
        try:
            own.wait(5)
        except subprocess.TimeoutExpired:
            own.kill()
            own.wait(5)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        with contextlib.suppress(Exception):
            _restart_portaudio()  # forget our server's device
        shutil.rmtree(runtime, ignore_errors=True)


def _wait_for_server(process: subprocess.Popen[bytes], log: Path) -> str:
    """The server's version once ``pactl`` reaches it; ``RigUnavailable`` if it never does."""
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(subprocess.SubprocessError):
            info = _pactl("info")
            for line in info.splitlines():
                if line.startswith("Server Version:"):
                    return line.split(":", 1)[1].strip()
            return "?"
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
    raise RigUnavailable(f"pulseaudio did not start (exit code {process.poll()}): {tail.strip()}")


# ---------------------------------------------------------------- routing


def _route(role: str) -> None:
    """Where the next PortAudio stream opened on ``pulse`` goes, and its tag.

    The ALSA pulse plugin makes a PulseAudio context per open, which reads these
    variables once. The plugin makes a new stream in that context whenever ALSA
    re-prepares the device (after every underrun, frequent on a loaded machine): it
    gets a new index and goes back to the context's sink, so neither a stream's
    index nor a ``pactl move-sink-input`` survives, while these settings do.
    """
    if role == "mic":
        os.environ["PULSE_SOURCE"] = MIC
    else:
        os.environ["PULSE_SINK"] = MOUTH if role == "mouth" else EAR
    os.environ["PULSE_PROP"] = f"{_ROLE}={role}"


def _own_streams(kind: str) -> list[dict[str, Any]]:
    """This process's PortAudio streams (``sink-inputs`` or ``source-outputs``)."""
    pid = str(os.getpid())
    streams: list[dict[str, Any]] = json.loads(_pactl("-f", "json", "list", kind))
    return [
        s
        for s in streams
        if s.get("properties", {}).get("application.process.id") == pid
        and s.get("properties", {}).get("application.name", "").startswith("ALSA plug-in")
    ]


def _indices(kind: str) -> dict[str, int]:
    listed: list[dict[str, Any]] = json.loads(_pactl("-f", "json", "list", "short", kind))
    return {str(d["name"]): int(d["index"]) for d in listed}


def _role(stream: dict[str, Any]) -> str | None:
    role: str | None = stream.get("properties", {}).get(_ROLE)
    return role


def _place(timeout: float) -> list[str]:
    """Wait until the receiving speaker and the sending microphone are open and every
    stream of ours is where its tag says (a check of ``_route``: a stream found
    elsewhere is moved, and the move is reported). Returns the moves."""
    sinks, sources = _indices("sinks"), _indices("sources")
    moves: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        inputs, outputs = _own_streams("sink-inputs"), _own_streams("source-outputs")
        misplaced: list[tuple[str, str, str]] = []
        for s in inputs:
            want = MOUTH if _role(s) == "mouth" else EAR
            if s["sink"] != sinks[want]:
                misplaced.append(("move-sink-input", str(s["index"]), want))
        for s in outputs:
            if s["source"] != sources[MIC]:
                misplaced.append(("move-source-output", str(s["index"]), MIC))
        speaker = any(_role(s) != "mouth" for s in inputs)
        if speaker and outputs and not misplaced:
            return moves
        if time.monotonic() > deadline:
            missing = [n for n, ok in (("speaker", speaker), ("microphone", outputs)) if not ok]
            problem = f"no {' or '.join(missing)} stream opened" if missing else "misrouted"
            raise RuntimeError(f"{problem} within {timeout:g} s ({misplaced})")
        for command in misplaced:
            # A stream that closed meanwhile cannot be moved: the next look tells.
            subprocess.run(["pactl", *command], check=False, capture_output=True, timeout=10)
            moves.append(" ".join(command))
        time.sleep(0.1)


class _Recording:
    """parec of the stereo monitor: left = mouth, right = ear.

    It writes to a file, not a pipe: an unread pipe fills in 0.34 s (64 KiB),
    parec then stops reading, and what reaches us depends on whether it drains its
    backlog before acting on SIGTERM. That race made the figures flaky.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [
                "parec",
                f"--device={STEREO}.monitor",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=2",
                "--raw",
                "--latency-msec=10",
            ],
            stdout=self._file,
            stdin=subprocess.DEVNULL,
        )

    def stop(self) -> np.ndarray:
        _terminate(self._process, grace=10)
        self._file.seek(0)
        out = self._file.read()
        self._file.close()
        if not out:
            raise RuntimeError(f"parec recorded nothing (exit code {self._process.returncode})")
        data = np.frombuffer(out, dtype=np.int16)
        return data[: len(data) // 2 * 2].reshape(-1, 2)


# ---------------------------------------------------------------- clicks


def click(samples: int = 960) -> np.ndarray:
    """20 ms of 1 kHz with a 1 ms attack: survives Opus, noise suppression and gain."""
    t = np.arange(samples) / RATE
    envelope = np.minimum(1.0, t / 0.001) * np.exp(-t / 0.008)
    sound: np.ndarray = (np.sin(2 * np.pi * 1000 * t) * envelope * 20000).astype(np.int16)
    return sound


def onsets(x: np.ndarray, threshold: float, refractory: int) -> list[int]:
    loud = np.flatnonzero(np.abs(x.astype(np.int32)) > threshold)
    found: list[int] = []
    for i in loud:
        if not found or i - found[-1] > refractory:
            found.append(int(i))
    return found


def latencies_ms(recording: np.ndarray) -> tuple[int, list[float]]:
    """Clicks on the left, and the delay of each one heard on the right."""
    mouth, ear = recording[:, 0], recording[:, 1]
    if not len(mouth):
        return 0, []
    mouth_peak = int(np.max(np.abs(mouth.astype(np.int32))))
    if mouth_peak < 300:  # no click was played (a silent recording has no onsets)
        return 0, []
    sent = onsets(mouth, 0.3 * mouth_peak, int(0.2 * RATE))
    ear_peak = int(np.max(np.abs(ear.astype(np.int32)))) if len(ear) else 0
    if ear_peak < 300:
        return len(sent), []
    heard = onsets(ear, 0.3 * ear_peak, int(0.2 * RATE))
    delays: list[float] = []
    for s in sent:
        match = [h for h in heard if s < h < s + int(0.6 * RATE)]
        if match:
            delays.append((match[0] - s) * 1000 / RATE)
    return len(sent), delays


def _summary(
    path: str, tuning: str, sent: int, delays: list[float], underruns: int, dropped: int
) -> Result:
    def ms(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return Result(
        path=path,
        tuning=tuning,
        clicks_sent=sent,
        clicks_heard=len(delays),
        p50_ms=ms(percentile(delays, 50)),  # the suite's percentiles, as every section's
        p95_ms=ms(percentile(delays, 95)),
        max_ms=ms(max(delays) if delays else None),
        underruns=underruns,
        dropped_ms=round(dropped * 1000 / RATE, 1),
        samples_ms=[round(d, 1) for d in delays],
    )


# ---------------------------------------------------------------- client tuning


@contextlib.contextmanager
def receive_prefetch(frames: int) -> Iterator[None]:
    """aiortc's audio receivers made in this process prefetch ``frames`` (default 4).
    The app client's receivers have their own buffer (app/rtc/recovery.py), which
    releases audio as it arrives, so this tunes the P2P path only."""
    import aiortc.rtcrtpreceiver as receiver_module
    from aiortc.jitterbuffer import JitterBuffer

    class Tuned(JitterBuffer):
        def __init__(self, capacity: int, prefetch: int = 0, is_video: bool = False) -> None:
            if not is_video:
                prefetch = frames
            super().__init__(capacity, prefetch=prefetch, is_video=is_video)

    modules = (receiver_module,)
    originals = [m.JitterBuffer for m in modules]
    for module in modules:
        setattr(module, "JitterBuffer", Tuned)  # noqa: B010 (private seam)
    try:
        yield
    finally:
        for module, original in zip(modules, originals, strict=True):
            setattr(module, "JitterBuffer", original)  # noqa: B010


class _ClickTrain:
    """A mixer stand-in for ``SpeakerSink``: a click every CLICK_PERIOD on the device clock
    (nothing to schedule, so a loaded machine cannot drop or delay clicks)."""

    def __init__(self) -> None:
        self.clicking = False
        self._sound = click()
        self._period = round(CLICK_PERIOD * RATE)
        self._position = 0

    def read(self, n: int = 960) -> np.ndarray:
        out = np.zeros(n, dtype=np.int16)
        if not self.clicking:
            self._position = 0
            return out
        k = (self._position + np.arange(n)) % self._period
        audible = k < len(self._sound)
        out[audible] = self._sound[k[audible]]
        self._position += n
        return out


class _Clicker:
    """Plays the click train into the mouth sink."""

    def __init__(self) -> None:
        from app.media.speaker import SpeakerSink

        self.train = _ClickTrain()
        _route("mouth")
        self.speaker = SpeakerSink(self.train, DEVICE)  # a PlaybackSource, as a Clip is
        self.speaker.start()
        if self.speaker.error:
            raise RuntimeError(f"cannot play the clicks: {self.speaker.error}")

    @property
    def clicking(self) -> bool:
        return self.train.clicking

    @clicking.setter
    def clicking(self, on: bool) -> None:
        self.train.clicking = on

    async def stop(self) -> None:
        self.speaker.stop()


async def _measure(clicker: _Clicker, seconds: float) -> tuple[int, list[float]]:
    recording = _Recording()
    await asyncio.sleep(0.3)
    clicker.clicking = True
    await asyncio.sleep(seconds)
    clicker.clicking = False
    await asyncio.sleep(0.8)  # the last click arrives
    data = await asyncio.to_thread(recording.stop)
    return latencies_ms(data)


async def _placed(timeout: float, log: Callable[[str], None]) -> None:
    moves = await asyncio.to_thread(_place, timeout)
    if moves:
        log(f"rerouted: {', '.join(moves)}")


async def measure_relay(
    seconds: float,
    tuning: Tuning,
    clicker: _Clicker,
    warmup: float = 2.0,
    log: Callable[[str], None] = print,
    ready_timeout: float = 20.0,
) -> Result:
    from app.client.devices import LocalDevices
    from app.client.session import MeetingSession, QuietListener
    from app.client.state import PATTERN, MediaConfig, Status
    from app.core.devicekey import DeviceKey
    from app.core.roles import MediaKind
    from app.server.embedded import start_embedded_server

    server = await asyncio.to_thread(start_embedded_server, log_level="ERROR")
    sender_devices = LocalDevices(MediaConfig(camera=PATTERN, microphone=DEVICE))
    receiver_devices = LocalDevices(MediaConfig(camera=PATTERN, speaker=DEVICE))
    receiver_devices.mixer = tuning.mixer()
    sender = MeetingSession(QuietListener(), DeviceKey.generate(), sender_devices)
    receiver = MeetingSession(QuietListener(), DeviceKey.generate(), receiver_devices)
    try:
        with receive_prefetch(tuning.prefetch):
            hosted = await sender.create_meeting(
                server.host,
                server.port,
                server.fingerprint,
                server.create_token,
                "Mouth",
                waiting_room=False,
            )
            if hosted is None:
                raise RuntimeError("could not create the meeting")
            _route("mic")
            await sender.set_media(MediaKind.AUDIO, True)
            _route("ear")  # the receiver's speaker opens on its first audio
            if await receiver.join(hosted.invite, "Ear") is not Status.JOINED:
                raise RuntimeError("could not join")
            # Warm up from the moment audio plays, not from "joined".
            await _placed(ready_timeout, log)
            await asyncio.sleep(warmup)
            mixer = receiver_devices.mixer
            under, dropped = mixer.underruns, mixer.dropped_samples
            sent, delays = await _measure(clicker, seconds)
            under, dropped = mixer.underruns - under, mixer.dropped_samples - dropped
    finally:
        for session in (receiver, sender):
            with contextlib.suppress(Exception):
                await session.leave()
            await session.close()
        await asyncio.to_thread(server.stop)
    return _summary("relay", tuning.label, sent, delays, under, dropped)


async def measure_p2p(
    seconds: float,
    tuning: Tuning,
    clicker: _Clicker,
    warmup: float = 2.0,
    log: Callable[[str], None] = print,
    ready_timeout: float = 20.0,
) -> Result:
    from aiortc import RTCPeerConnection

    from app.media.microphone import MicrophoneSource
    from app.media.processing import AudioProcessor
    from app.media.speaker import SpeakerSink
    from app.media.tracks import MicrophoneTrack, feed_mixer

    _route("mic")
    microphone = MicrophoneSource(DEVICE)
    await asyncio.to_thread(microphone.start)
    mixer = tuning.mixer()
    _route("ear")
    speaker = SpeakerSink(mixer, DEVICE)
    speaker.start()
    a, b = RTCPeerConnection(), RTCPeerConnection()
    feeders: list[asyncio.Task[None]] = []
    b.on(
        "track",
        lambda track: feeders.append(asyncio.ensure_future(feed_mixer(track, mixer, "mouth"))),
    )
    try:
        for name, device in (("microphone", microphone), ("speaker", speaker)):
            if device.error:
                raise RuntimeError(f"cannot open the {name}: {device.error}")
        with receive_prefetch(tuning.prefetch):
            a.addTrack(MicrophoneTrack(microphone, AudioProcessor()))
            await a.setLocalDescription(await a.createOffer())
            await b.setRemoteDescription(a.localDescription)
            await b.setLocalDescription(await b.createAnswer())
            await a.setRemoteDescription(b.localDescription)
            await _placed(ready_timeout, log)
            await asyncio.sleep(warmup)
            under, dropped = mixer.underruns, mixer.dropped_samples
            sent, delays = await _measure(clicker, seconds)
            under, dropped = mixer.underruns - under, mixer.dropped_samples - dropped
    finally:
        for task in feeders:
            task.cancel()
        await a.close()
        await b.close()
        speaker.stop()
        microphone.stop()
    return _summary("p2p", tuning.label, sent, delays, under, dropped)


def _merged(rounds: list[Result]) -> Result:
    """One path's rounds as one result: every click of every set-up."""
    first = rounds[0]
    samples = [d for r in rounds for d in r.samples_ms]
    merged = _summary(first.path, first.tuning, sum(r.clicks_sent for r in rounds), samples, 0, 0)
    merged.underruns = sum(r.underruns for r in rounds)
    merged.dropped_ms = round(sum(r.dropped_ms for r in rounds), 1)
    merged.rounds_p50_ms = [r.p50_ms for r in rounds]
    return merged


async def run_async(
    seconds: float,
    tunings: tuple[Tuning, ...] = SWEEP,
    log: Callable[[str], None] = print,
    warmup: float = 2.0,
    rounds: int = 1,
) -> list[Result]:
    """Per tuning, ``rounds`` fresh set-ups of each path, relay and P2P taking turns
    so both see the same machine."""
    results: list[Result] = []
    clicker = _Clicker()  # one click stream for the whole run
    try:
        for tuning in tunings:
            done: dict[str, list[Result]] = {"relay": [], "p2p": []}
            for _ in range(rounds):
                for measure in (measure_relay, measure_p2p):
                    result: Result = await measure(seconds, tuning, clicker, warmup, log)
                    log(
                        f"{result.path:5} {result.tuning:28} p50 {result.p50_ms} ms  "
                        f"p95 {result.p95_ms} ms  "
                        f"heard {result.clicks_heard}/{result.clicks_sent}  "
                        f"underruns {result.underruns}  dropped {result.dropped_ms} ms"
                    )
                    done[result.path].append(result)
            results += [_merged(done["relay"]), _merged(done["p2p"])]
    finally:
        await clicker.stop()
    return results


def run(
    seconds: float = 8.0,
    tunings: tuple[Tuning, ...] = SWEEP,
    log: Callable[[str], None] = print,
    warmup: float = 2.0,
    rounds: int = 1,
) -> dict[str, Any]:
    """The figures as plain data; ``{"skipped": reason}`` when there is no PulseAudio."""
    try:
        with pulse_rig() as rig:
            results = asyncio.run(run_async(seconds, tunings, log, warmup, rounds))
    except RigUnavailable as exc:
        return {"skipped": str(exc)}
    return {
        "pulseaudio": rig.version,
        "audio_latency": [asdict(r) for r in results],
    }


def run_in_child(
    seconds: float,
    warmup: float,
    rounds: int,
    timeout: float,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """``python -m bench``'s measurement: both paths with the app's client settings, in a
    child process of its own session, so PortAudio's state, the environment and aiortc's
    patched jitter buffer never touch the suite, and a hang is killed with its private
    PulseAudio and meeting server (the whole process group)."""
    if sys.platform != "linux":
        return {"skipped": f"needs PulseAudio on Linux, not {sys.platform}"}
    with tempfile.TemporaryDirectory(prefix="liqaa-bench-audio-") as tmp:
        out = Path(tmp) / "audio.json"
        command = [
            sys.executable,
            "-m",
            "bench.audio_latency",
            "--tuning=client",
            f"--seconds={seconds:g}",
            f"--warmup={warmup:g}",
            f"--rounds={rounds}",
            f"--json={out}",
        ]
        child = subprocess.Popen(
            command,
            cwd=Path(__file__).resolve().parents[1],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = child.communicate(timeout=timeout)
        except BaseException:  # timeout or Ctrl-C: nothing of it may outlive the suite
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            raise
        for line in stdout.splitlines():
            log(f"[audio] {line}")
        if not out.exists():
            raise RuntimeError(f"exit code {child.returncode}:\n{stderr[-3000:]}")
        figures: dict[str, Any] = json.loads(out.read_text())
        if child.returncode not in (0, EXIT_SKIPPED):
            figures["stderr"] = stderr[-3000:]
        return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.audio_latency")
    parser.add_argument("--seconds", type=float, default=8.0, help="clicking time per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="audio flowing before clicks")
    parser.add_argument("--rounds", type=int, default=1, help="fresh set-ups of each path")
    parser.add_argument(
        "--tuning",
        choices=("sweep", "client"),
        default="sweep",
        help="sweep the client knobs, or only what the app's client does",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    def log(line: str) -> None:
        print(line, flush=True)

    tunings = SWEEP if args.tuning == "sweep" else (CLIENT,)
    figures = run(args.seconds, tunings, log, args.warmup, args.rounds)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    if "skipped" in figures:
        print(f"skipped: {figures['skipped']}", file=sys.stderr)
        return EXIT_SKIPPED
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
