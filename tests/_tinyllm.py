"""A tiny random-weight causal LM shared by the LLM tests, built once per test process."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path


@functools.cache
def tiny_llm_dir() -> Path:
    """Build (once) a tiny Qwen2 model + tokenizer trained on generated chat rows; returns its folder."""
    from creditai.assistant.tinyllm import build_tiny_causal_lm
    from creditai.data.generator import generate_sft

    root = Path(tempfile.mkdtemp(prefix="creditai-tinyllm-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    texts = [m["content"] for row in generate_sft(80, seed=7) for m in row["messages"]]
    return build_tiny_causal_lm(root / "tiny", texts, vocab_size=1500, hidden=64, layers=2)


@functools.cache
def tiny_sft_rows(n: int = 24, seed: int = 3) -> tuple[dict, ...]:
    from creditai.data.generator import generate_sft

    return tuple(generate_sft(n, seed=seed))
