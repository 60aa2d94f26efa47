"""LoRA supervised fine-tuning of the assistant LLM (peft + trl), saved atomically with metadata.

The loss is computed on the assistant turns only: trl's `assistant_only_loss` with a chat
template that marks assistant replies with `{% generation %}` (trl swaps in a training
variant for known templates such as Qwen2.5; a tokenizer without a template gets a ChatML
one with markers). A template trl cannot patch falls back to prompt/completion rows, where
the loss covers the final assistant reply (trl's completion-only loss).

Output: the LoRA adapter, the tokenizer and metadata.json in `cfg.output_dir`; with
`merge=True` also merged full weights (+ tokenizer) in `<output_dir>/merged`.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import shutil
import warnings
from pathlib import Path
from typing import Any

from creditai.basemodels import ResolvedModel, resolve_model
from creditai.config import SFTConfig, check_data_files
from creditai.data.io import read_jsonl
from creditai.errors import DataError
from creditai.train.common import (
    training_arguments,
    METADATA_FILE,
    Timer,
    atomic_output_dir,
    build_metadata,
    select_device,
    set_seed,
    write_json,
)

log = logging.getLogger(__name__)

MERGED_DIR = "merged"


def load_chat_rows(files: list[Path], messages_field: str = "messages") -> list[list[dict]]:
    """The `messages` lists of every row (file:line errors for bad rows)."""
    out: list[list[dict]] = []
    for f in files:
        rows = read_jsonl(f, required=(messages_field,), text_field="")
        for n, row in enumerate(rows, start=1):
            msgs = row[messages_field]
            if not isinstance(msgs, list) or not msgs or not all(isinstance(m, dict) and "role" in m and "content" in m for m in msgs):
                raise DataError(f, n, f"field {messages_field!r} must be a list of {{role, content}} messages")
            if msgs[-1].get("role") != "assistant":
                raise DataError(f, n, "the last message must be the assistant's")
            out.append([{"role": m["role"], "content": str(m["content"])} for m in msgs])
    return out


def _prepare_chat_template(tokenizer: Any) -> str:
    """Make the tokenizer's template usable for assistant-only loss; returns the loss mode.

    "assistant_only": the template has (or trl can patch in) generation markers;
    "completion_only": it cannot, so rows become prompt/completion pairs.
    """
    from trl.chat_template_utils import get_training_chat_template, has_generation_markers

    from creditai.assistant.tinyllm import CHATML_TEMPLATE

    if not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = CHATML_TEMPLATE
        log.info("tokenizer had no chat template: using ChatML with generation markers")
        return "assistant_only"
    if has_generation_markers(tokenizer.chat_template):
        return "assistant_only"
    try:
        patched = get_training_chat_template(tokenizer)
    except Exception as exc:  # a template trl has no training variant for
        log.info("no training chat template for this tokenizer (%s): completion-only loss", exc)
        return "completion_only"
    return "assistant_only" if patched is not None or has_generation_markers(tokenizer.chat_template) else "completion_only"


def _to_dataset(rows: list[list[dict]], mode: str):
    from datasets import Dataset

    if mode == "assistant_only":
        return Dataset.from_list([{"messages": m} for m in rows])
    return Dataset.from_list([{"prompt": m[:-1], "completion": m[-1:]} for m in rows])


def _quantization(cfg: SFTConfig, device: str) -> Any:
    """8-bit loading only when asked and possible (bitsandbytes + CUDA); otherwise a warning."""
    if not cfg.use_8bit:
        return None
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        warnings.warn("use_8bit is set but bitsandbytes is not installed: training in full precision", stacklevel=3)
        return None
    if device != "cuda":
        warnings.warn("use_8bit is set but no CUDA device is available: training in full precision", stacklevel=3)
        return None
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(load_in_8bit=True)


def _loss_history(trainer: Any) -> tuple[list[float], list[dict]]:
    train, evals = [], []
    for rec in trainer.state.log_history:
        if "loss" in rec and "eval_loss" not in rec:
            train.append(round(float(rec["loss"]), 6))
        if "eval_loss" in rec:
            evals.append({"epoch": rec.get("epoch"), "step": rec.get("step"), "eval_loss": round(float(rec["eval_loss"]), 6)})
    return train, evals


def train_sft(
    cfg: SFTConfig,
    base_model: ResolvedModel | None = None,
    merge: bool = False,
    progress: bool = True,
    callbacks: list[Any] | None = None,
) -> Path:
    """LoRA SFT of `base_model` (default: `cfg.model_id` resolved offline); returns `cfg.output_dir`."""
    import torch
    from peft import LoraConfig, prepare_model_for_kbit_training
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig as TrlSFTConfig
    from trl import SFTTrainer

    check_data_files(cfg)
    base = base_model or resolve_model(cfg.model_id)
    final_dir = Path(cfg.output_dir)

    # Data first: a bad file fails before any model is loaded.
    train_rows = load_chat_rows(cfg.train_files, cfg.messages_field)
    if cfg.valid_files:
        valid_rows = load_chat_rows(cfg.valid_files, cfg.messages_field)
    else:  # hold out 10% (at least one row) for the per-epoch validation loss
        rng = random.Random(cfg.seed)
        rows = list(train_rows)
        rng.shuffle(rows)
        cut = max(1, len(rows) // 10)
        valid_rows, train_rows = rows[:cut], rows[cut:] or rows[:cut]

    device = select_device()
    set_seed(cfg.seed)
    tokenizer = AutoTokenizer.from_pretrained(base.path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    loss_mode = _prepare_chat_template(tokenizer)

    quant = _quantization(cfg, device.device)
    dtype = torch.bfloat16 if device.bf16 else (torch.float16 if device.fp16 and quant is not None else torch.float32)
    load_kwargs: dict[str, Any] = {"dtype": dtype}
    if quant is not None:
        load_kwargs.update(quantization_config=quant, device_map={"": 0})
    model = AutoModelForCausalLM.from_pretrained(base.path, **load_kwargs)
    if quant is not None:
        model = prepare_model_for_kbit_training(model)

    lora = LoraConfig(
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules=cfg.target_modules,
        bias="none",
        task_type="CAUSAL_LM",
    )
    train_ds = _to_dataset(train_rows, loss_mode)
    valid_ds = _to_dataset(valid_rows, loss_mode)

    per_epoch = max(1, math.ceil(len(train_rows) / (cfg.batch_size * cfg.gradient_accumulation_steps)))
    total = cfg.max_steps if cfg.max_steps > 0 else math.ceil(per_epoch * cfg.epochs)
    steps_eval = cfg.max_steps > 0 and cfg.max_steps < per_epoch * cfg.epochs  # a step budget may end mid-epoch
    args = TrlSFTConfig(
        **{**training_arguments(cfg, final_dir.parent / f".{final_dir.name}.checkpoints", device, progress=progress),
           "fp16": device.fp16 and quant is not None},  # output_dir replaced below
        eval_strategy="steps" if steps_eval else "epoch",
        eval_steps=cfg.max_steps if steps_eval else None,
        save_strategy="no",
        logging_strategy="steps",
        logging_steps=1 if total <= 50 else 10,
        logging_first_step=True,
        log_level="warning",
        max_length=cfg.max_length,
        assistant_only_loss=loss_mode == "assistant_only",
        completion_only_loss=True if loss_mode == "completion_only" else None,
        packing=False,
    )

    with atomic_output_dir(final_dir) as tmp:
        args.output_dir = str(tmp / "checkpoints")
        trainer = SFTTrainer(
            model=model,
            args=args,
            train_dataset=train_ds,
            eval_dataset=valid_ds,
            processing_class=tokenizer,
            peft_config=lora,
            callbacks=list(callbacks or []),
        )
        if not progress:  # without a progress bar the Trainer prints every log dict: keep quiet
            from transformers import PrinterCallback

            trainer.remove_callback(PrinterCallback)
        before = trainer.evaluate()  # validation loss of the untouched base model
        with Timer() as timer:
            result = trainer.train()
        train_losses, eval_history = _loss_history(trainer)  # before the extra evaluate() below
        after = trainer.evaluate()

        trainer.model.save_pretrained(str(tmp))  # the adapter (adapter_config.json + weights)
        tokenizer.save_pretrained(str(tmp))
        shutil.rmtree(tmp / "checkpoints", ignore_errors=True)
        metrics = {
            "train_loss": round(float(result.training_loss), 6),
            "train_loss_history": train_losses,
            "first_train_loss": train_losses[0] if train_losses else None,
            "last_train_loss": train_losses[-1] if train_losses else None,
            "valid_loss_before": round(float(before["eval_loss"]), 6),
            "valid_loss_after": round(float(after["eval_loss"]), 6),
            "valid_epochs": eval_history,
            "train_rows": len(train_rows),
            "valid_rows": len(valid_rows),
            "steps": int(trainer.state.global_step),
            "epochs": float(cfg.epochs),
        }
        if merge:
            _write_merged(trainer.model, tmp, base, quantized=quant is not None, tokenizer=tokenizer)
        for f in tmp.rglob("*"):  # safetensors writes 0600; the service may run as another user
            if f.is_file():
                f.chmod(0o644)
        write_json(
            tmp / METADATA_FILE,
            build_metadata(
                kind="sft",
                base_model=base,
                config=cfg,
                data_files=cfg.data_files(),
                metrics=metrics,
                training_seconds=timer.seconds,
                device=device,
                adapter=True,
                loss_mode=loss_mode,
                merged_dir=MERGED_DIR if merge else None,
                quantization="8bit" if quant is not None else None,
                max_length=cfg.max_length,
            ),
        )
    return final_dir


def _write_merged(peft_model: Any, adapter_dir: Path, base: ResolvedModel, *, quantized: bool, tokenizer: Any) -> Path:
    """Merged full weights in `<adapter_dir>/merged` (an 8-bit base is reloaded in full precision first)."""
    import torch

    out = adapter_dir / MERGED_DIR
    if quantized:
        from peft import PeftModel
        from transformers import AutoModelForCausalLM

        full = AutoModelForCausalLM.from_pretrained(base.path, dtype=torch.float16)
        merged = PeftModel.from_pretrained(full, str(adapter_dir)).merge_and_unload()
    else:
        with contextlib.suppress(AttributeError):
            peft_model = peft_model.to("cpu")
        merged = peft_model.merge_and_unload()
    merged.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    return out
