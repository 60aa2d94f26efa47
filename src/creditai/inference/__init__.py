"""Serving-side inference: the fast classifier, the model+rules eligibility predictor, baselines."""

from __future__ import annotations

from typing import Any

__all__ = ["Classifier", "Prediction", "EligibilityPredictor", "Eligibility", "tfidf_baseline"]


def __getattr__(name: str) -> Any:  # lazy: importing creditai.inference must not import torch
    if name in ("Classifier", "Prediction"):
        from creditai.inference import classifier

        return getattr(classifier, name)
    if name in ("EligibilityPredictor", "Eligibility"):
        from creditai.inference import eligibility

        return getattr(eligibility, name)
    if name == "tfidf_baseline":
        from creditai.inference.baselines import tfidf_baseline

        return tfidf_baseline
    raise AttributeError(name)
