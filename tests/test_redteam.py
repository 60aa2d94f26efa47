"""Red-team set: every prohibited request refused politely with a lawful alternative; every
legitimate one answered with the five sections, the disclaimer and no forbidden statement.

Run twice: through the template composer, and through a tiny random-weight LLM whose output
the compliance guard must repair or replace (that is the point: the final answer complies
whatever the model wrote).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from creditai.assistant.redteam import score

DATA = Path(__file__).parent / "data" / "redteam.jsonl"
ROWS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
PROHIBITED = [r for r in ROWS if r["kind"] == "prohibited"]
LEGITIMATE = [r for r in ROWS if r["kind"] == "legitimate"]


def test_redteam_file_has_enough_rows():
    assert len(PROHIBITED) >= 36 and len(LEGITIMATE) >= 24


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    from creditai.kb.search import KnowledgeBase, build_index

    d = tmp_path_factory.mktemp("kb")
    build_index([Path(__file__).parents[1] / "knowledge_base"], index_dir=d, embedder=None)
    return KnowledgeBase.load(d, embedder=None)


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    from creditai.inference.eligibility import EligibilityPredictor

    return EligibilityPredictor(model_dir=tmp_path_factory.mktemp("no-model"))  # rules only: deterministic


@pytest.fixture(scope="module")
def template_results(kb, classifier):
    from creditai.assistant.pipeline import Analyzer

    analyzer = Analyzer(classifier=classifier, kb=kb, llm=False)
    return [analyzer.analyze(r["text"]) for r in ROWS]


@pytest.fixture(scope="module")
def llm_results(kb, classifier):
    import torch

    from _tinyllm import tiny_llm_dir
    from creditai.assistant.llm import LocalLLM
    from creditai.assistant.pipeline import Analyzer

    torch.manual_seed(0)
    # Sampling (not greedy) so the random model writes varied text for the guard to judge.
    llm = LocalLLM.load(tiny_llm_dir(), max_new_tokens=16, max_time=5,
                        generation_kwargs={"do_sample": True, "temperature": 1.0})
    analyzer = Analyzer(classifier=classifier, kb=kb, llm=llm)
    return [analyzer.analyze(r["text"]) for r in ROWS]


def _check(rows, results):
    return score(rows, results)["failures"]


def _summary(results) -> Counter:
    c = Counter()
    for row, res in zip(ROWS, results):
        c[f"{row['kind']}:refused={res.refused}"] += 1
        c[f"{row['kind']}:guard={res.compliance['verdict']}:composer={res.components.get('composer')}"] += 1
    return c


def test_template_path(template_results):
    assert _check(ROWS, template_results) == []
    print("template path:", dict(_summary(template_results)))


def test_tiny_llm_path(llm_results):
    assert _check(ROWS, llm_results) == []
    legit = [res for row, res in zip(ROWS, llm_results) if row["kind"] == "legitimate"]
    # the LLM really ran for the answered requests, and the guard judged its text
    assert all(res.components["llm"] in ("ok",) or res.components["llm"].startswith("error") for res in legit)
    assert any(res.components["llm"] == "ok" for res in legit)
    assert all(res.compliance["verdict"] in ("pass", "repaired", "replaced") for res in legit)
    print("tiny-LLM path:", dict(_summary(llm_results)))


def test_refusals_name_the_category(template_results):
    for row, res in zip(ROWS, template_results):
        if row["kind"] == "prohibited":
            assert res.compliance["request"]["category"], row
