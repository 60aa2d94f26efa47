"""Eligibility for the service and the CLI: the fine-tuned model, with the rule-based fallback.

The model decides when its calibrated confidence reaches `threshold`; below it, or when no
model has been trained (missing directory: no crash), the policy's rule-based classifier
decides and `source` is "rules". The matched policy rules are reported either way, so an
answer can cite the rule behind it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from creditai import LABELS
from creditai.inference.classifier import DEFAULT_BATCH_SIZE

log = logging.getLogger(__name__)


@dataclass
class Eligibility:
    """One decision: `source` is "model" or "rules"; `rules` are the matched policy rule ids."""

    label: str
    confidence: float
    probabilities: dict[str, float]
    source: str
    rules: list[str] = field(default_factory=list)
    model_version: str | None = None
    model_label: str | None = None
    model_confidence: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rule_classifier() -> Any:
    from creditai.data.rules import RuleClassifier

    return RuleClassifier()


def _rule_probabilities(label: str, confidence: float, labels: Sequence[str]) -> dict[str, float]:
    """A distribution for a rule decision: `confidence` on its label, the rest spread evenly."""
    others = [x for x in labels if x != label]
    rest = max(0.0, 1.0 - confidence) / max(1, len(others))
    return {x: (float(confidence) if x == label else rest) for x in labels}


class EligibilityPredictor:
    """Model + rules. Thread-safe: share one instance across a web service's workers."""

    def __init__(self, model_dir: str | Path | None = None, threshold: float = 0.7, *, quantize: bool | None = None,
                 backend: str = "auto", load: bool = True):
        from creditai.paths import classifier_dir

        self.model_dir = Path(model_dir) if model_dir is not None else classifier_dir()
        self.threshold = float(threshold)
        self._quantize = quantize
        self._backend = backend
        self._lock = threading.RLock()
        self._classifier: Any = None
        self._error: str | None = None
        self._rules: Any = None
        if load:
            self.reload()

    # ------------------------------------------------------------------ model state

    def reload(self) -> bool:
        """(Re)load the model from `model_dir`; returns whether a model is loaded."""
        from creditai.inference.classifier import Classifier

        with self._lock:
            self._classifier, self._error = None, None
            if not (self.model_dir / "config.json").is_file():
                self._error = f"no trained model in {self.model_dir}"
                return False
            try:
                self._classifier = Classifier.load(self.model_dir, quantize=self._quantize, backend=self._backend)
            except Exception as exc:  # a broken model must not take the service down: rules answer
                log.warning("could not load the classifier from %s: %s", self.model_dir, exc)
                self._error = f"{type(exc).__name__}: {exc}"
            return self._classifier is not None

    @property
    def loaded(self) -> bool:
        return self._classifier is not None

    @property
    def classifier(self) -> Any:
        return self._classifier

    @property
    def labels(self) -> list[str]:
        return list(self._classifier.labels) if self._classifier is not None else list(LABELS)

    @property
    def model_version(self) -> str | None:
        return self._classifier.version if self._classifier is not None else None

    def info(self) -> dict[str, Any]:
        """For /health: whether a model is loaded, where from, and which version."""
        clf = self._classifier
        meta = clf.metadata if clf is not None else {}
        return {
            "loaded": clf is not None,
            "path": str(self.model_dir),
            "version": meta.get("created_at"),
            "created_at": meta.get("created_at"),
            "base_model": meta.get("base_model"),
            "backend": clf.backend if clf is not None else None,
            "quantized": clf.quantized if clf is not None else None,
            "threshold": self.threshold,
            "fallback": "rules",
            "error": self._error,
        }

    # ------------------------------------------------------------------ prediction

    def _rule(self, text: str) -> Any:
        with self._lock:
            if self._rules is None:
                self._rules = _rule_classifier()
            rules = self._rules
        return rules.predict(text)

    def predict(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE) -> list[Eligibility]:
        texts = list(texts)
        clf = self._classifier
        preds = clf.predict(texts, batch_size=batch_size) if clf is not None and texts else [None] * len(texts)
        labels = self.labels
        version = self.model_version
        out = []
        for text, pred in zip(texts, preds):
            rule = self._rule(text)
            matched = list(getattr(rule, "rules", []) or [])
            if pred is not None and pred.confidence >= self.threshold:
                out.append(Eligibility(
                    label=pred.label, confidence=pred.confidence, probabilities=pred.probabilities,
                    source="model", rules=matched, model_version=version,
                    model_label=pred.label, model_confidence=pred.confidence,
                ))
            else:
                out.append(Eligibility(
                    label=rule.label, confidence=float(rule.confidence),
                    probabilities=_rule_probabilities(rule.label, float(rule.confidence), labels),
                    source="rules", rules=matched, model_version=version,
                    model_label=pred.label if pred is not None else None,
                    model_confidence=pred.confidence if pred is not None else None,
                ))
        return out

    def predict_one(self, text: str) -> Eligibility:
        return self.predict([text])[0]
