"""Optional local LLM generation (the fine-tuned assistant), never required and never fatal.

Enabled with `ENABLE_LLM=true`. Weights are looked up, in order: an explicit directory; the
SFT output (`paths.sft_dir()`: its `merged/` full weights, else the LoRA adapter on the base
model named in its metadata.json); `QWEN_MODEL_ID` (a plain causal LM). When nothing is
found, `load_llm()` returns None and the pipeline uses the template composer. Generation is
bounded by `max_new_tokens` and a wall-clock `max_time` (the `generate` kwarg); any error
raises `LLMError`, which the pipeline catches to fall back to the template.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_MAX_NEW_TOKENS = 384
DEFAULT_MAX_TIME = 20.0  # seconds of generation before it stops (partial text is returned)


class LLMError(RuntimeError):
    """Loading or generation failed; callers fall back to the template composer."""


def llm_enabled(env: dict[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return str(env.get("ENABLE_LLM", "")).strip().lower() in {"1", "true", "yes", "on"}


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@dataclass
class WeightsPlan:
    """What to load: `model_path` (full weights) plus an optional LoRA `adapter_path` on top."""

    model_path: Path
    adapter_path: Path | None = None
    source: str = "local"  # merged | adapter | base
    notes: list[str] = field(default_factory=list)


def _base_for_adapter(adapter_dir: Path) -> Path:
    """The base model of a LoRA adapter: metadata.json's resolved path, its id, or adapter_config."""
    from creditai.basemodels import resolve_model

    meta = _read_json(adapter_dir / "metadata.json")
    candidates = [meta.get("base_model_path"), meta.get("base_model"),
                  _read_json(adapter_dir / "adapter_config.json").get("base_model_name_or_path"),
                  os.environ.get("QWEN_MODEL_ID")]
    errors = []
    for cand in candidates:
        if not cand:
            continue
        try:
            return resolve_model(str(cand)).path
        except Exception as exc:  # try the next candidate
            errors.append(str(exc))
    raise LLMError(f"base model of the adapter in {adapter_dir} not found offline: {'; '.join(errors) or 'no base recorded'}")


def find_weights(model_dir: str | Path | None = None) -> WeightsPlan | None:
    """Locate LLM weights on this machine (None when there are none)."""
    from creditai.basemodels import resolve_model
    from creditai.paths import sft_dir

    dirs = [Path(model_dir)] if model_dir else [sft_dir()]
    for d in dirs:
        if (d / "merged" / "config.json").is_file():
            return WeightsPlan(d / "merged", None, "merged")
        if (d / "adapter_config.json").is_file():
            return WeightsPlan(_base_for_adapter(d), d, "adapter")
        if (d / "config.json").is_file():
            return WeightsPlan(d, None, "base")
    if model_dir:
        return None
    qwen = os.environ.get("QWEN_MODEL_ID")
    if qwen:
        try:
            return WeightsPlan(resolve_model(qwen).path, None, "base")
        except Exception as exc:
            log.info("QWEN_MODEL_ID=%s not available offline: %s", qwen, exc)
    return None


class LocalLLM:
    """A causal LM (+ optional LoRA adapter) that answers chat messages. Thread-safe (one lock)."""

    def __init__(self, model: Any, tokenizer: Any, *, plan: WeightsPlan | None = None,
                 max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS, max_time: float = DEFAULT_MAX_TIME,
                 generation_kwargs: dict[str, Any] | None = None):
        self.model = model
        self.generation_kwargs = dict(generation_kwargs or {})  # e.g. sampling settings (default: greedy)
        self.tokenizer = tokenizer
        self.plan = plan
        self.max_new_tokens = int(max_new_tokens)
        self.max_time = float(max_time)
        self._lock = threading.Lock()

    @classmethod
    def load(cls, model_dir: str | Path | None = None, *, max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
             max_time: float = DEFAULT_MAX_TIME, device: str | None = None,
             generation_kwargs: dict[str, Any] | None = None) -> "LocalLLM":
        """Load the weights `find_weights` locates; raises `LLMError` when there are none or loading fails."""
        plan = find_weights(model_dir)
        if plan is None:
            where = model_dir or "the SFT output directory or QWEN_MODEL_ID"
            raise LLMError(f"no LLM weights found in {where}")
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            from creditai.train.common import select_device

            dev = select_device(device)
            dtype = torch.bfloat16 if dev.bf16 else (torch.float16 if dev.fp16 else torch.float32)
            tok_dir = plan.adapter_path if plan.adapter_path and (plan.adapter_path / "tokenizer_config.json").is_file() \
                else plan.model_path
            tokenizer = AutoTokenizer.from_pretrained(tok_dir)
            model = AutoModelForCausalLM.from_pretrained(plan.model_path, dtype=dtype)
            if plan.adapter_path is not None:
                from peft import PeftModel

                model = PeftModel.from_pretrained(model, str(plan.adapter_path))
            model.to(dev.device)
            model.eval()
        except LLMError:
            raise
        except Exception as exc:
            raise LLMError(f"could not load the LLM from {plan.model_path}: {type(exc).__name__}: {exc}") from exc
        if not getattr(tokenizer, "chat_template", None):
            from creditai.assistant.tinyllm import CHATML_TEMPLATE

            tokenizer.chat_template = CHATML_TEMPLATE
        return cls(model, tokenizer, plan=plan, max_new_tokens=max_new_tokens, max_time=max_time,
                   generation_kwargs=generation_kwargs)

    def info(self) -> dict[str, Any]:
        p = self.plan
        return {
            "loaded": True,
            "source": p.source if p else None,
            "model_path": str(p.model_path) if p else None,
            "adapter_path": str(p.adapter_path) if p and p.adapter_path else None,
            "max_new_tokens": self.max_new_tokens,
            "max_time": self.max_time,
        }

    def generate(self, messages: list[dict], *, max_new_tokens: int | None = None, max_time: float | None = None) -> str:
        """Greedy completion of the chat `messages`; raises `LLMError` on any failure or empty output."""
        import torch

        try:
            inputs = self.tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
            device = next(self.model.parameters()).device
            inputs = {k: v.to(device) for k, v in inputs.items()}
            eos = [i for i in {self.tokenizer.eos_token_id, self.tokenizer.convert_tokens_to_ids("<|im_end|>")}
                   if isinstance(i, int) and i >= 0]
            t0 = time.perf_counter()
            gen = {"do_sample": False, "repetition_penalty": 1.1, **self.generation_kwargs}
            with self._lock, torch.inference_mode():
                out = self.model.generate(
                    **inputs,
                    max_new_tokens=int(max_new_tokens or self.max_new_tokens),
                    max_time=float(max_time or self.max_time),
                    eos_token_id=eos or None,
                    pad_token_id=self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else (eos or [0])[0],
                    **gen,
                )
            new = out[0][inputs["input_ids"].shape[1]:]
            text = self.tokenizer.decode(new, skip_special_tokens=True).strip()
            log.debug("LLM generated %d tokens in %.2fs", len(new), time.perf_counter() - t0)
        except Exception as exc:
            raise LLMError(f"generation failed: {type(exc).__name__}: {exc}") from exc
        if not text:
            raise LLMError("the LLM returned no text")
        return text


def load_llm(model_dir: str | Path | None = None, *, force: bool = False, **kwargs: Any) -> LocalLLM | None:
    """The LLM when enabled (`ENABLE_LLM` or `force`) and its weights load; otherwise None (logged)."""
    if not (force or llm_enabled()):
        return None
    try:
        return LocalLLM.load(model_dir, **kwargs)
    except LLMError as exc:
        log.warning("LLM unavailable, using the template composer: %s", exc)
        return None
