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
client (aiortc's default: 4 frames) and the mixer's ``target_ms``/``max_ms``.

    python -m bench.audio_latency            # default sweep, ~1 minute
    python -m bench.audio_latency --seconds 4 --json out.json

Needs ``pulseaudio``/``pactl``/``parec`` and PortAudio; with ``PULSE_SERVER`` set it
uses that server, else it starts a private one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

STEREO = "liqaa_lat"
MOUTH = "liqaa_mouth"  # left channel: what the sender's microphone hears
EAR = "liqaa_ear"  # right channel: what the receiver's speaker plays
MIC = "liqaa_mic"  # the left channel of the monitor, as a source
DEVICE = "pulse"
RATE = 48000
CLICK_PERIOD = 0.4


@dataclass(frozen=True)
class Tuning:
    prefetch: int = 4  # aiortc's audio JitterBuffer prefetch on the receiving client
    target_ms: float = 40.0
    max_ms: float = 120.0

    @property
    def label(self) -> str:
        return f"prefetch={self.prefetch} mixer={self.target_ms:g}/{self.max_ms:g}"


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


BASELINE = Tuning(4, 40.0, 120.0)
SWEEP = (BASELINE, Tuning(1, 40.0, 120.0), Tuning(1, 30.0, 100.0), Tuning(0, 20.0, 80.0))


# ---------------------------------------------------------------- PulseAudio rig


def _pactl(*args: str) -> str:
    return subprocess.run(
        ["pactl", *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@contextlib.contextmanager
def pulse_rig() -> Iterator[None]:
    """The stereo null sink with its mouth/ear halves, on the current or a private server."""
    own: subprocess.Popen[bytes] | None = None
    runtime: Path | None = None
    saved = {k: os.environ.get(k) for k in ("PULSE_SERVER", "PULSE_SINK", "PULSE_SOURCE")}
    if not os.environ.get("PULSE_SERVER"):
        binary = shutil.which("pulseaudio")
        if binary is None:
            raise RuntimeError("pulseaudio is not installed")
        runtime = Path(tempfile.mkdtemp(prefix="liqaa-lat-"))
        socket = runtime / "native"
        env = dict(
            os.environ,
            XDG_RUNTIME_DIR=str(runtime),
            HOME=str(runtime),
            PULSE_RUNTIME_PATH=str(runtime / "pulse"),
            PULSE_STATE_PATH=str(runtime / "s"),
        )
        own = subprocess.Popen(
            [
                binary,
                "--daemonize=no",
                "-n",
                "--exit-idle-time=-1",
                "--system=false",
                "--use-pid-file=false",
                f"--load=module-native-protocol-unix socket={socket}",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.environ["PULSE_SERVER"] = f"unix:{socket}"
        deadline = time.monotonic() + 10
        while not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    modules: list[str] = []
    keepalive: subprocess.Popen[bytes] | None = None
    try:
        modules.append(
            _pactl(
                "load-module",
                "module-null-sink",
                f"sink_name={STEREO}",
                f"rate={RATE}",
                "channels=2",
                "channel_map=front-left,front-right",
            )
        )
        for name, channel in ((MOUTH, "front-left"), (EAR, "front-right")):
            modules.append(
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
            )
        modules.append(
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
        )
        import sounddevice as sd

        sd._terminate()
        sd._initialize()
        # An idle null sink renders in 2 s blocks: a low-latency reader keeps it ticking.
        keepalive = subprocess.Popen(
            ["parec", f"--device={STEREO}.monitor", "--latency-msec=10", "--raw"],
            stdout=subprocess.DEVNULL,
        )
        time.sleep(2.5)
        yield
    finally:
        if keepalive is not None:
            keepalive.terminate()
            keepalive.wait(5)
        for module in reversed(modules):
            subprocess.run(["pactl", "unload-module", module], check=False, capture_output=True)
        if own is not None:
            own.terminate()
            own.wait(5)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if runtime is not None:
            shutil.rmtree(runtime, ignore_errors=True)


def _route(sink: str | None = None, source: str | None = None) -> None:
    """Where the next PortAudio stream opened on ``pulse`` goes (read at open time)."""
    if sink:
        os.environ["PULSE_SINK"] = sink
    if source:
        os.environ["PULSE_SOURCE"] = source


class _Recording:
    """parec of the stereo monitor: left = mouth, right = ear."""

    def __init__(self) -> None:
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
            stdout=subprocess.PIPE,
        )

    def stop(self) -> np.ndarray:
        self._process.terminate()
        out, _ = self._process.communicate(timeout=10)
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
    sent = onsets(mouth, 0.3 * max(1, int(np.max(np.abs(mouth.astype(np.int32))))), int(0.2 * RATE))
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
    path: str, tuning: Tuning, sent: int, delays: list[float], underruns: int, dropped: int
) -> Result:
    ordered = sorted(delays)

    def pct(q: float) -> float | None:
        if not ordered:
            return None
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return Result(
        path=path,
        tuning=tuning.label,
        clicks_sent=sent,
        clicks_heard=len(delays),
        p50_ms=round(statistics.median(ordered), 1) if ordered else None,
        p95_ms=pct(0.95),
        max_ms=round(ordered[-1], 1) if ordered else None,
        underruns=underruns,
        dropped_ms=round(dropped * 1000 / RATE, 1),
    )


# ---------------------------------------------------------------- client tuning


@contextlib.contextmanager
def receive_prefetch(frames: int) -> Iterator[None]:
    """aiortc's audio receivers in this process prefetch ``frames`` (default 4)."""
    import aiortc.rtcrtpreceiver as receiver_module
    from aiortc.jitterbuffer import JitterBuffer

    original = JitterBuffer

    class Tuned(JitterBuffer):
        def __init__(self, capacity: int, prefetch: int = 0, is_video: bool = False) -> None:
            if not is_video:
                prefetch = frames
            super().__init__(capacity, prefetch=prefetch, is_video=is_video)

    setattr(receiver_module, "JitterBuffer", Tuned)  # noqa: B010 (private seam)
    try:
        yield
    finally:
        setattr(receiver_module, "JitterBuffer", original)  # noqa: B010


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
        _route(sink=MOUTH)
        self.speaker = SpeakerSink(self.train, DEVICE)  # type: ignore[arg-type]
        self.speaker.start()
        if self.speaker.error:
            raise RuntimeError(f"cannot play the clicks: {self.speaker.error}")

    @property
    def clicking(self) -> bool:
        return self.train.clicking

    @clicking.setter
    def clicking(self, on: bool) -> None:
        self.train.clicking = on

    def start(self) -> None:
        pass

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


class _Listener:
    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args, **kwargs: None


async def measure_relay(
    seconds: float, tuning: Tuning, clicker: _Clicker, warmup: float = 2.0
) -> Result:
    from app.client.devices import LocalDevices
    from app.client.session import MeetingSession
    from app.client.state import PATTERN, MediaConfig, Status
    from app.core.devicekey import DeviceKey
    from app.core.roles import MediaKind
    from app.media.mixer import AudioMixer
    from app.server.embedded import start_embedded_server

    server = await asyncio.to_thread(start_embedded_server)
    sender_devices = LocalDevices(MediaConfig(camera=PATTERN, microphone=DEVICE))
    receiver_devices = LocalDevices(MediaConfig(camera=PATTERN, speaker=DEVICE))
    receiver_devices.mixer = AudioMixer(target_ms=tuning.target_ms, max_ms=tuning.max_ms)
    sender = MeetingSession(_Listener(), DeviceKey.generate(), sender_devices)
    receiver = MeetingSession(_Listener(), DeviceKey.generate(), receiver_devices)
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
            _route(source=MIC)
            await sender.set_media(MediaKind.AUDIO, True)
            _route(sink=EAR)  # the receiver's speaker opens on its first audio
            if await receiver.join(hosted.invite, "Ear") is not Status.JOINED:
                raise RuntimeError("could not join")
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
    return _summary("relay", tuning, sent, delays, under, dropped)


async def measure_p2p(
    seconds: float, tuning: Tuning, clicker: _Clicker, warmup: float = 2.0
) -> Result:
    from aiortc import RTCPeerConnection

    from app.media.microphone import MicrophoneSource
    from app.media.mixer import AudioMixer
    from app.media.processing import AudioProcessor
    from app.media.speaker import SpeakerSink
    from app.media.tracks import MicrophoneTrack, feed_mixer

    _route(source=MIC)
    microphone = MicrophoneSource(DEVICE)
    await asyncio.to_thread(microphone.start)
    mixer = AudioMixer(target_ms=tuning.target_ms, max_ms=tuning.max_ms)
    _route(sink=EAR)
    speaker = SpeakerSink(mixer, DEVICE)
    speaker.start()
    a, b = RTCPeerConnection(), RTCPeerConnection()
    feeders: list[asyncio.Task[None]] = []
    b.on(
        "track",
        lambda track: feeders.append(asyncio.ensure_future(feed_mixer(track, mixer, "mouth"))),
    )
    try:
        with receive_prefetch(tuning.prefetch):
            a.addTrack(MicrophoneTrack(microphone, AudioProcessor()))
            await a.setLocalDescription(await a.createOffer())
            await b.setRemoteDescription(a.localDescription)
            await b.setLocalDescription(await b.createAnswer())
            await a.setRemoteDescription(b.localDescription)
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
    return _summary("p2p", tuning, sent, delays, under, dropped)


async def run_async(
    seconds: float, tunings: tuple[Tuning, ...] = SWEEP, log: Callable[[str], None] = print
) -> list[Result]:
    results: list[Result] = []
    clicker = _Clicker()  # one click stream for the whole run
    try:
        for tuning in tunings:
            for measure in (measure_relay, measure_p2p):
                results.append(await _logged(measure, seconds, tuning, clicker, log))
    finally:
        await clicker.stop()
    return results


async def _logged(
    measure: Callable[..., Any],
    seconds: float,
    tuning: Tuning,
    clicker: _Clicker,
    log: Callable[[str], None],
) -> Result:
    result: Result = await measure(seconds, tuning, clicker)
    log(
        f"{result.path:5} {result.tuning:28} p50 {result.p50_ms} ms  "
        f"p95 {result.p95_ms} ms  heard {result.clicks_heard}/{result.clicks_sent}  "
        f"underruns {result.underruns}  dropped {result.dropped_ms} ms"
    )
    return result


def run(
    seconds: float = 8.0, tunings: tuple[Tuning, ...] = SWEEP, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """For ``python -m bench``: the sweep's figures as plain data."""
    with pulse_rig():
        results = asyncio.run(run_async(seconds, tunings, log))
    return {"audio_latency": [asdict(r) for r in results]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.audio_latency")
    parser.add_argument("--seconds", type=float, default=8.0, help="clicking time per run")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    figures = run(args.seconds)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
