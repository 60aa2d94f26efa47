"""Typed training configs: YAML files validated into pydantic models, with env and --set overrides.

Precedence (lowest first): the YAML file, the env vars listed in design.md, `--set key=value`.
Every problem is a `ConfigError` naming the file and the key, so the CLI prints one line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from creditai import LABELS
from creditai.errors import ConfigError

Kind = Literal["classifier", "embeddings", "sft"]


class _TrainConfig(BaseModel):
    """Keys shared by every trainer (the seed's original keys)."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_id: str
    output_dir: Path
    train_file: Path | None = None
    train_files: list[Path] = Field(default_factory=list)
    valid_file: Path | None = None
    valid_files: list[Path] = Field(default_factory=list)
    test_file: Path | None = None
    test_files: list[Path] = Field(default_factory=list)
    max_length: int = Field(128, gt=0)
    batch_size: int = Field(16, gt=0)
    eval_batch_size: int = Field(64, gt=0)
    learning_rate: float = Field(5e-5, gt=0)
    epochs: float = Field(3, gt=0)
    weight_decay: float = Field(0.0, ge=0)
    warmup_ratio: float = Field(0.0, ge=0, lt=1)
    gradient_accumulation_steps: int = Field(1, gt=0)
    seed: int = 42
    max_steps: int = -1

    @model_validator(mode="after")
    def _merge_file_lists(self) -> "_TrainConfig":
        # `train_file` and `train_files` are both accepted (seed configs use either); merge them.
        for single, many in (("train_file", "train_files"), ("valid_file", "valid_files"), ("test_file", "test_files")):
            one = getattr(self, single)
            if one is not None and one not in getattr(self, many):
                getattr(self, many).insert(0, one)
        return self

    def data_files(self) -> dict[str, list[Path]]:
        """Every data file by split, for existence checks and dataset hashes."""
        return {"train": self.train_files, "valid": self.valid_files, "test": self.test_files}


class ClassifierConfig(_TrainConfig):
    """A sequence classifier on the bundled encoder: dispute eligibility, or request screening."""

    text_field: str = "text"
    label_field: str = "label"
    labels: list[str] = Field(default_factory=lambda: list(LABELS))
    class_weights: bool = False
    calibrate: bool = True
    confidence_threshold: float = Field(0.7, ge=0, le=1)
    # Let the trainer try int8 (ONNX Runtime, then torch) and make it the inference default when
    # it keeps test macro-F1 within 0.5 point of fp32 (train.classifier._choose_inference).
    quantize: bool = True
    # Prefix the extracted facts (dates as ages, amounts vs thresholds) to each text: see
    # creditai/inference/features.py.
    fact_hints: bool = True
    # Which tokens a text longer than max_length keeps: "end" cuts the end off; "head_tail" keeps
    # the first quarter and the last three quarters (an ask often ends a long story or a pasted
    # report; Sun et al. 2019 found head+tail best for long-text BERT classification).
    truncation: Literal["end", "head_tail"] = "end"
    # The head's input: "cls" (transformers' [CLS] head) or "mean" (the mean of the token vectors,
    # as sentence-transformers trained the bundled encoder: inference/pooling.py).
    pooling: Literal["cls", "mean"] = "cls"
    # Keep only the encoder's first N transformer layers (None: all): fewer layers train and
    # answer about proportionally faster (measured for the request screener: 4 layers trained in
    # two thirds of the time and declined and answered worse on the dev sets; not used there).
    num_layers: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _truncation_ok(self) -> "ClassifierConfig":
        if self.truncation == "head_tail" and self.fact_hints:
            raise ValueError("truncation 'head_tail' reads the text alone: set fact_hints: false")
        return self

    @field_validator("labels")
    @classmethod
    def _labels_ok(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("label list is empty")
        dupes = sorted({x for x in v if v.count(x) > 1})
        if dupes:
            raise ValueError(f"duplicated labels: {', '.join(dupes)}")
        return v


class EmbeddingsConfig(_TrainConfig):
    """Retrieval embeddings (sentence-transformers fine-tuning)."""

    loss: Literal["mnrl", "cosine"] = "mnrl"
    text_field: str = "text_1"
    pair_field: str = "text_2"
    label_field: str = "label"


class SFTConfig(_TrainConfig):
    """LoRA supervised fine-tuning of a causal LM (peft + trl)."""

    use_8bit: bool = False
    lora_r: int = Field(8, gt=0)
    lora_alpha: int = Field(16, gt=0)
    lora_dropout: float = Field(0.05, ge=0, lt=1)
    target_modules: list[str] | str = "all-linear"
    messages_field: str = "messages"


CONFIG_TYPES: dict[str, type[_TrainConfig]] = {
    "classifier": ClassifierConfig,
    "embeddings": EmbeddingsConfig,
    "sft": SFTConfig,
}

# design.md: these env vars override model ids and output dirs of the matching config kind.
ENV_OVERRIDES: dict[str, dict[str, str]] = {
    "classifier": {"DISTILBERT_MODEL_ID": "model_id", "CLASSIFIER_OUTPUT": "output_dir"},
    "embeddings": {"MINILM_MODEL_ID": "model_id", "EMBEDDINGS_OUTPUT": "output_dir"},
    "sft": {"QWEN_MODEL_ID": "model_id", "SFT_OUTPUT": "output_dir"},
    # a classifier config over the request labels is the request screener: its own output
    # variable, never the eligibility model's (CLASSIFIER_OUTPUT would overwrite that model)
    "guard": {"GUARD_OUTPUT": "output_dir"},
}

DEFAULT_CONFIGS: dict[str, str] = {
    "classifier": "configs/model2_classifier.yaml",
    "embeddings": "configs/model3_embeddings.yaml",
    "sft": "configs/model1_sft.yaml",
}


def parse_set(items: list[str] | None) -> dict[str, Any]:
    """Parse `--set key=value` items; values are read as YAML scalars (numbers, bools, lists)."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ConfigError(f"--set {item!r}: expected key=value")
        key, raw = item.split("=", 1)
        out[key.strip()] = yaml.safe_load(raw) if raw.strip() else ""
    return out


def _format_error(path: Path, err: dict[str, Any]) -> str:
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    if err["type"] == "extra_forbidden":
        return f"{path}: key '{key}': unknown key"
    if err["type"] == "missing":
        return f"{path}: key '{key}': required key is missing"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{path}: key '{key}': {msg} (got {err.get('input')!r})"


def load_config(
    kind: str,
    path: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    check_files: bool = True,
    env: dict[str, str] | None = None,
) -> _TrainConfig:
    """Load and validate one config of `kind`; `path` falls back to $CONFIG, then the default."""
    if kind not in CONFIG_TYPES:
        raise ConfigError(f"unknown config kind {kind!r}; expected one of {sorted(CONFIG_TYPES)}")
    env = os.environ if env is None else env
    path = Path(path or env.get("CONFIG") or DEFAULT_CONFIGS[kind])
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of keys to values, got {type(raw).__name__}")
    for var, key in ENV_OVERRIDES[_override_kind(kind, raw)].items():
        if env.get(var):
            raw[key] = env[var]
    raw.update(overrides or {})
    try:
        cfg = CONFIG_TYPES[kind].model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_error(path, exc.errors()[0])) from None
    if check_files:
        check_data_files(cfg, path)
    return cfg


def _override_kind(kind: str, raw: dict[str, Any]) -> str:
    """Which env overrides apply: "guard" for a classifier config over the request labels."""
    from creditai.data.policy import REQUEST_LABELS

    labels = raw.get("labels")
    if kind == "classifier" and isinstance(labels, list) and set(map(str, labels)) == set(REQUEST_LABELS):
        return "guard"
    return kind


def check_data_files(cfg: _TrainConfig, path: Path | str = "config") -> None:
    """Every listed data file must exist; a missing one names the config key that lists it."""
    if not cfg.train_files:
        raise ConfigError(f"{path}: key 'train_file': no training file given")
    for split, files in cfg.data_files().items():
        for f in files:
            if not Path(f).is_file():
                hint = (
                    " (custom data: see data/custom/README.md)"
                    if "custom" in Path(f).parts
                    else " (run `creditai data generate` first)"
                )
                raise ConfigError(f"{path}: key '{split}_files': data file {f} not found{hint}")


def config_kind_for(path: str | Path) -> str | None:
    """Guess the config kind from a seed file name (model1_sft*, model2_classifier*, model3_embeddings*)."""
    name = Path(path).name
    for kind in CONFIG_TYPES:
        if kind in name:
            return kind
    return None
