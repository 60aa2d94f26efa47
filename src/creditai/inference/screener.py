"""The learned request screener: a fine-tuned MiniLM that names the prohibited ask in a request.

It reads the whole request (earlier user turns, then the last; head and tail of a long one)
and gives a distribution over `data.policy.REQUEST_LABELS`. The probability of a prohibited
ask is 1 - P(allowed); it declines at `threshold`. The rules in `assistant.guard` stay
beside it as the high-precision layer; the guard combines both into one decision.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence

from creditai.data.policy import ALLOWED, REQUEST_LABELS
from creditai.errors import ConfigError

DECLINE_THRESHOLD = 0.6
"""P(prohibited) at which the screener declines, chosen on the dev sets (guard_dev, guard_dev2,
guard_dev3, redteam; never the blind ones), with the rules, mean of two seeds of the 3-epoch
config: declined / over-refused 95.8% / 3.9% at 0.5, 95.1% / 3.5% at 0.6, 94.4% / 3.3% at 0.7.
CREDITAI_GUARD_THRESHOLD overrides it."""


@dataclass
class ScreenScore:
    """The screener's reading of one request: the likeliest prohibited ask and its probability."""

    declined: bool
    category: str  # likeliest prohibited category (even when allowed: the nearest ask)
    prohibited: float  # 1 - P(allowed)
    probabilities: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _threshold(value: float | None) -> float:
    if value is not None:
        return float(value)
    raw = os.environ.get("CREDITAI_GUARD_THRESHOLD")
    if raw is None:
        return DECLINE_THRESHOLD
    try:
        t = float(raw)
    except ValueError:
        raise ConfigError(f"CREDITAI_GUARD_THRESHOLD: expected a number between 0 and 1, got {raw!r}") from None
    if not 0.0 < t <= 1.0:
        raise ConfigError(f"CREDITAI_GUARD_THRESHOLD: expected a number in (0, 1], got {raw!r}")
    return t


LONG_TEXT_CHARS = 2000
WINDOW_CHARS = 300  # about the 64 tokens the model reads
WINDOW_STEP = 200
"""A text over LONG_TEXT_CHARS is also read in windows of about what the model sees at once, so
no part of it goes unread (linear: 8,000 characters are 40 windows). Every guard set row is
shorter, so the measured rates do not cover windowed reading."""


def _windows(text: str) -> list[str]:
    """Overlapping windows of a long text (none for a text of at most LONG_TEXT_CHARS)."""
    if len(text) <= LONG_TEXT_CHARS:
        return []
    return [text[start:start + WINDOW_CHARS] for start in range(0, len(text) - WINDOW_CHARS + WINDOW_STEP, WINDOW_STEP)]


class RequestScreener:
    """A loaded request classifier with its decline threshold. Thread-safe."""

    def __init__(self, classifier: Any, threshold: float | None = None):
        self.classifier = classifier
        self.threshold = _threshold(threshold)

    @classmethod
    def load(cls, model_dir: str | Path | None = None, threshold: float | None = None, **kwargs: Any) -> "RequestScreener":
        """Load the trained screener (default paths.guard_dir()); raises ModelNotFoundError when absent."""
        from creditai.inference.classifier import Classifier
        from creditai.paths import guard_dir

        path = Path(model_dir) if model_dir is not None else guard_dir()
        return cls(Classifier.load(path, expected_labels=REQUEST_LABELS, **kwargs), threshold)

    @property
    def version(self) -> str | None:
        return self.classifier.version

    def info(self) -> dict[str, Any]:
        return {"loaded": True, "path": str(self.classifier.path), "version": self.version,
                "threshold": self.threshold, "backend": self.classifier.backend}

    def score(self, texts: Sequence[str]) -> list[ScreenScore]:
        """One ScreenScore per text, in order. A long text is read whole (its head and tail) and in
        overlapping windows; the most prohibited reading counts, so an ask in the middle of a long
        paste is seen too."""
        labels = self.classifier.labels
        readings: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            for part in [text, *_windows(text)]:
                readings.append(part)
                owner.append(i)
        probs_all = self.classifier.predict_proba(readings)
        allowed = labels.index(ALLOWED)
        best: dict[int, Any] = {}
        for i, p in zip(owner, probs_all):
            if i not in best or p[allowed] < best[i][allowed]:
                best[i] = p
        out = []
        for i in range(len(texts)):
            p = best[i]
            probs = {label: float(p[j]) for j, label in enumerate(labels)}
            prohibited = 1.0 - probs[ALLOWED]
            category = max((x for x in labels if x != ALLOWED), key=probs.__getitem__)
            out.append(ScreenScore(prohibited >= self.threshold, category, prohibited, probs))
        return out
