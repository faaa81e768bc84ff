"""Counts the reliability tests keep for the README (printed at the end of the run)."""

from __future__ import annotations

from collections import Counter

INPUTS_TRIED: Counter[str] = Counter()  # parser -> hostile examples fed to it
KILLS: Counter[str] = Counter()  # crash figures
