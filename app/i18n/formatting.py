"""Locale-aware formatting of numbers, times and durations.

Every helper formats with ``QLocale()`` (the default locale, which ``LanguageManager``
sets from the UI language and the Arabic-Indic digits setting) unless a locale is passed.
So in the Arabic UI with Arabic-Indic digits ``format_number(1234)`` gives "١٬٢٣٤", with
Latin digits "1,234".

In translated strings, write ``%Ln`` (not ``%n``) for the count of a numerus message:
Qt then formats it with the same default locale.
"""

from __future__ import annotations

import datetime as _dt
import math

from PySide6.QtCore import QLocale, QObject, QTime

from app.i18n.bidi import isolate_ltr

__all__ = [
    "format_count",
    "format_duration",
    "format_duration_words",
    "format_number",
    "format_time",
    "localize_digits",
]


def _locale(locale: QLocale | None) -> QLocale:
    return QLocale() if locale is None else locale


def localize_digits(text: str, locale: QLocale | None = None) -> str:
    """Replace the ASCII digits 0-9 in ``text`` by the locale's digits."""
    zero = _locale(locale).zeroDigit()
    if zero == "0" or len(zero) != 1:
        return text
    base = ord(zero)
    return text.translate({ord("0") + d: chr(base + d) for d in range(10)})


def format_number(
    value: int | float, decimals: int | None = None, locale: QLocale | None = None
) -> str:
    """A number with the locale's digits, group and decimal separators.

    ``decimals`` fixes the digits after the decimal point; by default integers have none
    and floats the shortest exact representation.
    """
    loc = _locale(locale)
    if decimals is not None:
        return loc.toString(float(value), "f", decimals)
    if isinstance(value, int):
        return loc.toString(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return loc.toString(int(value))
    return loc.toString(value, "g", QLocale.FloatingPointPrecisionOption.FloatingPointShortest)


def format_count(n: int, maximum: int | None = None, locale: QLocale | None = None) -> str:
    """A count for a badge: ``format_count(7)`` -> "7"; above ``maximum`` -> "99+".

    The capped form is wrapped in LRI ... PDI so the "+" stays after the digits in
    right-to-left text.
    """
    if maximum is not None and n > maximum:
        return isolate_ltr(format_number(maximum, locale=locale) + "+")
    return format_number(n, locale=locale)


def format_time(
    value: _dt.datetime | _dt.time, *, seconds: bool = False, locale: QLocale | None = None
) -> str:
    """A clock time in the locale's short format ("1:05 PM", "١:٠٥ م", "13:05").

    An aware datetime is first converted to local time.
    """
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone()
        value = value.time()
    loc = _locale(locale)
    qtime = QTime(value.hour, value.minute, value.second)
    fmt = loc.timeFormat(QLocale.FormatType.ShortFormat)
    if seconds and "s" not in fmt:
        fmt = fmt.replace("mm", "mm:ss", 1)
    return loc.toString(qtime, fmt)


def format_duration(seconds: float, locale: QLocale | None = None) -> str:
    """An elapsed time as HH:MM:SS for the meeting timer: 5025 -> "01:23:45" / "٠١:٢٣:٤٥".

    Negative values count as zero; hours go past 99 if need be.
    """
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return localize_digits(f"{hours:02d}:{minutes:02d}:{secs:02d}", locale)


class Duration(QObject):
    """The translation context "Duration": the words for hours, minutes and seconds.

    Plural messages are written as ``self.tr(text, "", n)`` in a class named after their
    context: lupdate 6.11 marks ``QCoreApplication.translate(context, text, "", n)`` as
    numerus only when ``n`` is a number literal, and would drop the plural forms.
    """

    def hours(self, n: int) -> str:
        return self.tr("%Ln hour(s)", "", n)

    def minutes(self, n: int) -> str:
        return self.tr("%Ln minute(s)", "", n)

    def seconds(self, n: int) -> str:
        return self.tr("%Ln second(s)", "", n)

    def hours_and_minutes(self, hours: str, minutes: str) -> str:
        return self.tr("%1 %2", "hours, then minutes").replace("%1", hours).replace("%2", minutes)


def format_duration_words(seconds: float) -> str:
    """An elapsed time in words, for sentences and screen readers.

    "1 hour 5 minutes", "5 minutes", "40 seconds" ("ساعة واحدة و٥ دقائق" in Arabic);
    under an hour only minutes are given, under a minute only seconds.
    Uses the translations, so the default locale's digits (``%Ln``).
    """
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    words = Duration()
    if hours:
        text = words.hours(hours)
        if minutes:
            text = words.hours_and_minutes(text, words.minutes(minutes))
        return text
    if minutes:
        return words.minutes(minutes)
    return words.seconds(secs)
