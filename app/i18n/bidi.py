"""Bidirectional-text helpers for user-provided text (names, chat messages, titles).

A name such as "Sara (سارة)" dropped into a translated sentence can reorder the words
around it. Wrapping it in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE (U+2068,
U+2069) lets it take its own direction without disturbing the sentence::

    self.tr("%1 joined the meeting").replace("%1", isolate(name))

``isolate`` also removes the explicit embedding, override and isolate controls
(U+202A-U+202E, U+2066-U+2069) from the user's text first: they would otherwise let a
display name reverse or escape the text around it (spoofing). The invisible marks LRM,
RLM and ALM are harmless and are kept.
"""

from __future__ import annotations

from typing import Final

__all__ = ["FSI", "LRI", "PDI", "RLI", "isolate", "isolate_ltr", "strip_bidi_controls"]

LRI: Final = "\u2066"
RLI: Final = "\u2067"
FSI: Final = "\u2068"
PDI: Final = "\u2069"

_CONTROLS: Final = dict.fromkeys(
    [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
)


def strip_bidi_controls(text: str) -> str:
    """Remove directional embeddings, overrides and isolates (LRE ... RLO, LRI ... PDI)."""
    return text.translate(_CONTROLS)


def isolate(text: str) -> str:
    """User text wrapped in FSI ... PDI: its direction comes from its first strong letter."""
    return FSI + strip_bidi_controls(text) + PDI


def isolate_ltr(text: str) -> str:
    """Text that is always left-to-right (addresses, meeting IDs, codes) in LRI ... PDI."""
    return LRI + strip_bidi_controls(text) + PDI
