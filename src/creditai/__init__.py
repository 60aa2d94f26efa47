"""creditai: offline training, evaluation and serving of credit-repair AI models."""

from __future__ import annotations

import os

# Everything runs offline: set before any Hugging Face library is imported so no code
# path ever opens a socket to a model hub (basemodels.py lifts this only when asked).
if os.environ.get("CREDITAI_ONLINE", "").lower() not in {"1", "true", "yes"}:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"

LABELS: tuple[str, ...] = (
    "eligible",
    "conditionally_eligible",
    "not_eligible",
    "insufficient_information",
)
