"""Fine-tune the retrieval embeddings (sentence-transformers) on (question, passage) pairs.

`loss: mnrl` turns the labelled pairs into (anchor, positive[, hard negative]) triplets for
MultipleNegativesRankingLoss with a no-duplicates batch sampler (in-batch negatives must
not be copies of the positive); `loss: cosine` trains CosineSimilarityLoss on the labels.
An InformationRetrievalEvaluator on the validation pairs scores the model before and after
training; both go into metadata.json. Saved atomically (train/common.py).
"""

from __future__ import annotations

import logging
import random
import tempfile
from pathlib import Path
from typing import Any, Sequence

from creditai.basemodels import ResolvedModel, resolve_model
from creditai.config import EmbeddingsConfig
from creditai.data.io import iter_jsonl
from creditai.errors import DataError
from creditai.train.common import (
    training_arguments,
    Timer,
    atomic_output_dir,
    build_metadata,
    select_device,
    set_seed,
    write_json,
)

log = logging.getLogger(__name__)
# On CPU the embeddings and the lower transformer layers stay frozen: backpropagating only
# through the top layers keeps the default run within a minute on 2 cores, and the top
# layers are where retrieval fine-tuning moves the model most. (0 = train everything.)
CPU_FROZEN_LAYERS = 3
METRIC_KEYS = ("accuracy@1", "accuracy@5", "recall@5", "mrr@10", "ndcg@10")


def read_pairs(files: Sequence[Path], text_field: str, pair_field: str, label_field: str) -> list[dict[str, Any]]:
    """Labelled pairs from JSONL files; the first bad row raises DataError(file, line, problem)."""
    rows: list[dict[str, Any]] = []
    for path in files:
        for n, row in iter_jsonl(path):
            for key in (text_field, pair_field):
                if not isinstance(row.get(key), str) or not row[key].strip():
                    raise DataError(path, n, f"field {key!r} must be a non-empty string")
            label = row.get(label_field, 1.0)
            if isinstance(label, bool) or not isinstance(label, (int, float)) or not 0.0 <= float(label) <= 1.0:
                raise DataError(path, n, f"field {label_field!r} must be a number in [0, 1] (got {label!r})")
            rows.append({"a": row[text_field], "b": row[pair_field], "label": float(label)})
    return rows


def build_triplets(rows: list[dict[str, Any]], seed: int) -> dict[str, list[str]]:
    """Columns for MNRL: anchor, positive and (when most anchors have one) a hard negative.

    Each positive pair gets a negative of the same anchor (cycled); anchors without one get a
    random positive passage of another anchor, so every row has the same columns.
    """
    rng = random.Random(seed)
    negs: dict[str, list[str]] = {}
    for r in rows:
        if r["label"] < 0.5:
            negs.setdefault(r["a"], []).append(r["b"])
    pos = [r for r in rows if r["label"] >= 0.5]
    with_neg = sum(1 for r in pos if r["a"] in negs)
    cols: dict[str, list[str]] = {"anchor": [], "positive": []}
    use_neg = pos and with_neg >= len(pos) / 2
    if use_neg:
        cols["negative"] = []
    used: dict[str, int] = {}
    passages = [r["b"] for r in pos]
    for r in pos:
        cols["anchor"].append(r["a"])
        cols["positive"].append(r["b"])
        if use_neg:
            cand = negs.get(r["a"])
            if cand:
                i = used.get(r["a"], 0)
                used[r["a"]] = i + 1
                cols["negative"].append(cand[i % len(cand)])
            else:
                other = r["b"]
                for _ in range(10):
                    other = rng.choice(passages)
                    if other != r["b"]:
                        break
                cols["negative"].append(other)
    return cols


def build_ir_evaluator(rows: list[dict[str, Any]], name: str = "valid", batch_size: int = 64, max_corpus: int = 400, seed: int = 42):
    """InformationRetrievalEvaluator over the validation pairs: each query must find its
    positive passages among every passage in the split (negatives included)."""
    from sentence_transformers.evaluation import InformationRetrievalEvaluator

    queries: dict[str, str] = {}
    corpus: dict[str, str] = {}
    relevant: dict[str, set[str]] = {}
    qids: dict[str, str] = {}
    cids: dict[str, str] = {}

    def cid(text: str) -> str:
        if text not in cids:
            cids[text] = f"c{len(cids)}"
            corpus[cids[text]] = text
        return cids[text]

    for r in rows:
        c = cid(r["b"])
        if r["label"] >= 0.5:
            if r["a"] not in qids:
                qids[r["a"]] = f"q{len(qids)}"
                queries[qids[r["a"]]] = r["a"]
            relevant.setdefault(qids[r["a"]], set()).add(c)
    if not queries:
        return None
    if len(corpus) > max_corpus:  # keep every relevant passage, sample the rest
        keep = set().union(*relevant.values())
        rest = sorted(set(corpus) - keep)
        random.Random(seed).shuffle(rest)
        keep |= set(rest[: max(0, max_corpus - len(keep))])
        corpus = {k: v for k, v in corpus.items() if k in keep}
    return InformationRetrievalEvaluator(
        queries=queries,
        corpus=corpus,
        relevant_docs=relevant,
        name=name,
        batch_size=batch_size,
        mrr_at_k=[10],
        ndcg_at_k=[10],
        accuracy_at_k=[1, 5],
        precision_recall_at_k=[5],
        map_at_k=[10],
        show_progress_bar=False,
        write_csv=False,
    )


def freeze_lower_layers(model: Any, n_layers: int) -> int:
    """Freeze the word embeddings and the first `n_layers` transformer layers; returns how many
    layers were frozen (0 when the architecture is not a recognised BERT-style encoder)."""
    if n_layers <= 0:
        return 0
    try:
        hf = model[0].auto_model
        layers = hf.encoder.layer
        embeddings = hf.embeddings
    except (AttributeError, IndexError, TypeError):
        return 0
    n = min(n_layers, len(layers) - 1)
    for p in embeddings.parameters():
        p.requires_grad = False
    for layer in layers[:n]:
        for p in layer.parameters():
            p.requires_grad = False
    return n


def _metrics(evaluator: Any, model: Any) -> dict[str, float]:
    if evaluator is None:
        return {}
    raw = evaluator(model)
    out = {}
    for key, value in raw.items():
        short = key.split("_cosine_", 1)[-1] if "_cosine_" in key else key
        if short in METRIC_KEYS:
            out[short] = round(float(value), 4)
    return out


def train_embeddings(cfg: EmbeddingsConfig, base_model: ResolvedModel | None = None, progress: bool = True) -> Path:
    """Fine-tune the sentence encoder from `cfg`; returns the saved model directory."""
    from datasets import Dataset
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.sentence_transformer import losses
    from sentence_transformers.base.sampler import BatchSamplers

    base = base_model or resolve_model(cfg.model_id)
    set_seed(cfg.seed)
    device = select_device()
    train_rows = read_pairs(cfg.train_files, cfg.text_field, cfg.pair_field, cfg.label_field)
    valid_rows = read_pairs(cfg.valid_files, cfg.text_field, cfg.pair_field, cfg.label_field) if cfg.valid_files else []
    if not train_rows:
        raise DataError(cfg.train_files[0], None, "no training pairs")

    model = SentenceTransformer(str(base.path), device=device.device, local_files_only=True)
    # `max_length` caps the training sequences (cost grows with it); the saved model keeps
    # the base model's inference length so whole chunks are embedded at index time.
    inference_length = max(int(model.max_seq_length or cfg.max_length), cfg.max_length)
    model.max_seq_length = cfg.max_length
    frozen = freeze_lower_layers(model, CPU_FROZEN_LAYERS if device.device == "cpu" else 0)

    if cfg.loss == "mnrl":
        cols = build_triplets(train_rows, cfg.seed)
        if not cols["anchor"]:
            raise DataError(cfg.train_files[0], None, "no positive pairs (label 1.0) for the mnrl loss")
        loss = losses.MultipleNegativesRankingLoss(model)
        sampler = BatchSamplers.NO_DUPLICATES
    else:
        cols = {"sentence1": [r["a"] for r in train_rows], "sentence2": [r["b"] for r in train_rows], "score": [r["label"] for r in train_rows]}
        loss = losses.CosineSimilarityLoss(model)
        sampler = BatchSamplers.BATCH_SAMPLER
    train_ds = Dataset.from_dict(cols)
    evaluator = build_ir_evaluator(valid_rows, batch_size=cfg.eval_batch_size, seed=cfg.seed) if valid_rows else None

    with Timer() as t_before:
        model.max_seq_length = inference_length
        before = _metrics(evaluator, model)
        model.max_seq_length = cfg.max_length
    with tempfile.TemporaryDirectory(prefix="creditai-emb-") as scratch:
        args = SentenceTransformerTrainingArguments(
            **training_arguments(cfg, scratch, device, progress=progress),
            batch_sampler=sampler,
            save_strategy="no",
            eval_strategy="no",
            logging_steps=max(1, len(train_ds) // (cfg.batch_size * 4) or 1),

        )
        trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=train_ds, loss=loss)
        with Timer() as t_train:
            result = trainer.train()
    for p in model.parameters():
        p.requires_grad = True
    model.max_seq_length = inference_length
    after = _metrics(evaluator, model)

    final_dir = Path(cfg.output_dir)
    with atomic_output_dir(final_dir) as tmp:
        model.save(str(tmp))
        metrics = {
            "loss": cfg.loss,
            "train_rows": len(train_rows),
            "train_examples": len(train_ds),
            "columns": list(cols),
            "valid_rows": len(valid_rows),
            "train_loss": round(float(result.training_loss), 4),
            "steps": int(result.global_step),
            "valid_before": before,
            "valid_after": after,
            "eval_seconds": round(t_before.seconds, 2),
            "frozen_layers": frozen,
            "train_max_length": cfg.max_length,
            "inference_max_length": inference_length,
        }
        write_json(
            tmp / "metadata.json",
            build_metadata(
                kind="embeddings",
                base_model=base,
                config=cfg,
                data_files=cfg.data_files(),
                metrics=metrics,
                training_seconds=t_train.seconds,
                device=device,
                embedding_dim=model.get_embedding_dimension(),
            ),
        )
    if progress and before and after:
        log.info("valid ndcg@10 %.3f -> %.3f", before.get("ndcg@10", 0), after.get("ndcg@10", 0))
    return final_dir
