"""Liqaa (لقاء): a desktop video-meeting app."""

__version__ = "0.1.0"
