"""Embeddings: training pairs from the knowledge base, and a tiny real fine-tuning run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from creditai.config import load_config
from creditai.errors import DataError
from creditai.kb.pairs import augment, generate_pairs

REPO = Path(__file__).resolve().parents[1]
HELDOUT = REPO / "tests" / "data" / "retrieval_heldout.jsonl"


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def test_pairs_deterministic_and_shaped() -> None:
    train, valid = generate_pairs(200, seed=7, kb_dirs=[REPO / "knowledge_base"])
    again = generate_pairs(200, seed=7, kb_dirs=[REPO / "knowledge_base"])
    assert (train, valid) == again
    assert generate_pairs(200, seed=8, kb_dirs=[REPO / "knowledge_base"])[0] != train
    assert len(train) == 200 and valid
    for row in train + valid:
        assert set(row) == {"text_1", "text_2", "label"} and row["label"] in (0.0, 1.0)
        assert row["text_1"].strip() and row["text_2"].strip()
    labels = [r["label"] for r in train]
    assert 0.4 < sum(labels) / len(labels) < 0.6  # positives and hard negatives
    # validation questions never appear in training
    assert not {r["text_1"] for r in valid} & {r["text_1"] for r in train}
    # a hard negative comes from another document than the positive of the same query
    pos = {r["text_1"]: r["text_2"] for r in train if r["label"] == 1.0}
    neg = {r["text_1"]: r["text_2"] for r in train if r["label"] == 0.0}
    shared = [q for q in pos if q in neg]
    assert shared and all(pos[q].split("\n")[0] != neg[q].split("\n")[0] for q in shared[:50])


def test_pairs_never_contain_heldout_queries() -> None:
    train, valid = generate_pairs(1000, seed=42)
    held = {_norm(json.loads(line)["query"]) for line in HELDOUT.read_text().splitlines() if line.strip()}
    assert held
    texts = {_norm(r["text_1"]) for r in train + valid} | {_norm(r["text_2"]) for r in train + valid}
    assert not held & texts


def test_augment_is_seeded() -> None:
    import random

    a = [augment("how long does the bureau have to investigate", random.Random(3)) for _ in range(3)]
    b = [augment("how long does the bureau have to investigate", random.Random(3)) for _ in range(3)]
    assert a == b and all(x != "how long does the bureau have to investigate" for x in a)


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.slow
def test_tiny_training_round_trip(tmp_path: Path) -> None:
    from creditai.kb.embed import load_embedder
    from creditai.train.common import read_metadata
    from creditai.train.embeddings import train_embeddings

    train, valid = generate_pairs(48, seed=1, kb_dirs=[REPO / "knowledge_base"])
    cfg = load_config(
        "embeddings",
        REPO / "configs" / "model3_embeddings.yaml",
        {
            "train_file": str(_write(tmp_path / "train.jsonl", train)),
            "valid_file": str(_write(tmp_path / "valid.jsonl", valid[:16])),
            "output_dir": str(tmp_path / "emb"),
            "batch_size": 8,
            "max_length": 32,
            "max_steps": 2,
        },
    )
    out = train_embeddings(cfg, progress=False)
    assert out == tmp_path / "emb" and (out / "config.json").is_file()
    assert not list(tmp_path.glob(".emb.tmp-*"))  # atomic: no temporary folder left behind
    meta = read_metadata(out)
    assert meta["kind"] == "embeddings" and meta["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    m = meta["metrics"]
    assert m["steps"] == 2 and m["columns"] == ["anchor", "positive", "negative"]
    assert set(m["valid_before"]) >= {"ndcg@10", "mrr@10", "accuracy@1"} and set(m["valid_after"]) == set(m["valid_before"])
    assert meta["dataset_hashes"]["train"] and meta["training_seconds"] is not None

    emb = load_embedder(out)
    vecs = emb.encode(["how long does a dispute take", "paid collection"])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert emb.model.max_seq_length == 256  # training length capped, inference length kept

    # cosine loss trains from the same labelled pairs
    cfg2 = cfg.model_copy(update={"loss": "cosine", "output_dir": tmp_path / "emb_cos", "max_steps": 1})
    out2 = train_embeddings(cfg2, progress=False)
    assert read_metadata(out2)["metrics"]["columns"] == ["sentence1", "sentence2", "score"]


def test_bad_pairs_file_names_line(tmp_path: Path) -> None:
    from creditai.train.embeddings import read_pairs

    bad = tmp_path / "pairs.jsonl"
    bad.write_text('{"text_1": "q", "text_2": "p", "label": 1.0}\n{"text_1": "q", "label": 1.0}\n')
    with pytest.raises(DataError, match=r"pairs.jsonl:2: field 'text_2'"):
        read_pairs([bad], "text_1", "text_2", "label")
    bad.write_text('{"text_1": "q", "text_2": "p", "label": 3}\n')
    with pytest.raises(DataError, match=r":1: field 'label'"):
        read_pairs([bad], "text_1", "text_2", "label")


def test_loading_the_encoder_prints_no_progress_bar():
    """A CLI answer is not preceded by transformers' "Loading weights" bar (a fresh process: the
    encoder cache would hide a load)."""
    import subprocess
    import sys

    code = "from creditai.kb.embed import load_base_embedder; load_base_embedder().encode(['x'])"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Loading weights" not in r.stderr and "it/s" not in r.stderr, r.stderr[-500:]
