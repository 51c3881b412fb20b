"""Camera and microphone tracks through two real RTCPeerConnections in one process."""

from __future__ import annotations

import asyncio
import time

import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpSender
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from app.media.audioformat import FRAME_SAMPLES, SAMPLE_RATE
from app.media.camera import CameraSource
from app.media.frames import CapturedFrame
from app.media.microphone import MicrophoneSource
from app.media.mixer import AudioMixer
from app.media.pattern import colour_distance, dominant_colour, name_colour, read_counter
from app.media.speaker import SpeakerSink
from app.media.tracks import CameraTrack, MicrophoneTrack, feed_mixer, video_frame_to_rgb
from tests.fixtures.pulse import PulseServer

from .helpers import peak_frequency, tone

MAX_SECONDS = 15.0
VIDEO_FRAMES = 30


def last_second_of_tone(heard: list[np.ndarray]) -> np.ndarray | None:
    """The last 50 received 20 ms frames if (nearly) all of them carry sound."""
    if len(heard) < 50 or sum(int(np.abs(f).max()) > 1000 for f in heard[-50:]) < 45:
        return None
    return np.concatenate(heard[-50:])


async def test_pattern_and_microphone_arrive_through_webrtc(pulse_server: PulseServer) -> None:
    # Sender side: a pattern camera, and a microphone hearing a 440 Hz tone
    # (played through the speaker into the null sink, recorded from its monitor).
    camera = CameraSource(pattern="Amal", fps=30)
    captured_at: dict[int, float] = {}

    def remember(frame: CapturedFrame) -> None:
        captured_at[frame.seq] = frame.wall_time

    camera.subscribe(remember)
    tone_mixer = AudioMixer()
    speaker = SpeakerSink(tone_mixer, pulse_server.device)
    microphone = MicrophoneSource(pulse_server.device)
    for part in (camera, speaker, microphone):
        part.start()
    assert speaker.state == "live" and microphone.state == "live"

    # No ICE servers: aiortc would otherwise ask Google's STUN server, which
    # offline machines cannot reach (gathering then waits on DNS and timeouts).
    offline = RTCConfiguration(iceServers=[])
    sender, receiver = RTCPeerConnection(offline), RTCPeerConnection(offline)
    video_track, audio_track = CameraTrack(camera), MicrophoneTrack(microphone)
    sender.addTrack(video_track)
    sender.addTrack(audio_track)
    vp8 = [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == "video/VP8"]
    sender.getTransceivers()[0].setCodecPreferences(vp8)

    received_video: list[tuple[int | None, float, np.ndarray]] = []
    received_mixer = AudioMixer()
    tasks: list[asyncio.Task[None]] = []

    async def watch(track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            image = video_frame_to_rgb(frame)  # type: ignore[arg-type]
            received_video.append((read_counter(image), time.time(), image))

    @receiver.on("track")
    def on_track(track: MediaStreamTrack) -> None:
        if track.kind == "video":
            tasks.append(asyncio.create_task(watch(track)))
        else:
            tasks.append(asyncio.create_task(feed_mixer(track, received_mixer, "amal")))

    heard: list[np.ndarray] = []

    async def negotiate() -> None:
        await sender.setLocalDescription(await sender.createOffer())
        await receiver.setRemoteDescription(sender.localDescription)
        await receiver.setLocalDescription(await receiver.createAnswer())
        await sender.setRemoteDescription(receiver.localDescription)

    try:
        await asyncio.wait_for(negotiate(), 20)

        loop = asyncio.get_running_loop()
        began = loop.time()
        # Feed the tone and pull the received mix in real time until a second of
        # tone and enough frames have arrived (about 2 s here; a busy machine gets longer).
        for i in range(int(MAX_SECONDS / 0.02)):
            tone_mixer.push("tone", tone(440, FRAME_SAMPLES, i * FRAME_SAMPLES))
            heard.append(received_mixer.read(FRAME_SAMPLES))
            if len(received_video) >= VIDEO_FRAMES and last_second_of_tone(heard) is not None:
                break
            await asyncio.sleep(max(0.0, began + (i + 1) * 0.02 - loop.time()))
    finally:
        await sender.close()
        await receiver.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        video_track.stop()
        audio_track.stop()
        for part in (camera, speaker, microphone):
            part.stop()

    # Video: the publisher's pixels, counters readable and in order. (A frame
    # damaged by packet loss on a starved machine reads as None, never as a
    # wrong number: the CRC rejects it.)
    assert len(received_video) >= VIDEO_FRAMES
    counters = [c for c, _, _ in received_video if c is not None]
    assert len(counters) >= 0.9 * len(received_video), [c for c, _, _ in received_video]
    assert counters == sorted(set(counters))
    assert all(image.shape == (480, 640, 3) for _, _, image in received_video)
    assert colour_distance(dominant_colour(received_video[-1][2]), name_colour("Amal")) < 12
    # Glass-to-glass on loopback, measured the way benchmarks will: counter -> capture time.
    delays = [arrived - captured_at[c] for c, arrived, _ in received_video if c is not None]
    assert 0 < float(np.median(delays)) < 0.5

    # Audio: the tone made it through microphone, Opus, decoder and mixer.
    second = last_second_of_tone(heard)
    assert second is not None, "no second of sound arrived"
    assert len(second) == SAMPLE_RATE
    assert abs(peak_frequency(second) - 440) <= 3
