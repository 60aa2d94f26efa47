"""Synthetic data: determinism, balance, families x labels, SFT answers match the policy."""

import collections
import json
import random

import pytest

from creditai import LABELS
from creditai.assistant.composer import SECTIONS
from creditai.data.generator import generate_classifier, generate_sft, write_datasets
from creditai.data.policy import decide
from creditai.data.render import FAMILIES, render
from creditai.data.sampling import sample_facts


def test_same_seed_same_bytes_different_seed_differs(tmp_path):
    kw = dict(classifier_count=200, embedding_count=20, sft_count=40, progress=False)
    a = write_datasets(tmp_path / "a", seed=7, **kw)
    b = write_datasets(tmp_path / "b", seed=7, **kw)
    c = write_datasets(tmp_path / "c", seed=8, **kw)
    assert {"model2_classifier.train", "model2_classifier.valid", "model2_classifier.test", "model1_sft.train",
            "model1_sft.valid"} <= set(a)
    for name, path in a.items():
        assert path.read_bytes() == b[name].read_bytes(), name
    assert a["model2_classifier.train"].read_bytes() != c["model2_classifier.train"].read_bytes()
    sizes = [sum(1 for _ in open(a[f"model2_classifier.{s}"])) for s in ("train", "valid", "test")]
    assert sizes == [160, 20, 20]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_renders_every_label(family):
    rng = random.Random(family)
    for label in LABELS:
        for _ in range(3):
            facts = sample_facts(rng, label)
            text = render(facts, family, rng)
            assert text.strip()
            assert decide(facts).label == label


def test_labels_balanced_texts_unique_and_families_independent_of_label():
    rows = generate_classifier(1200, seed=3)
    counts = collections.Counter(r["label"] for r in rows)
    assert set(counts) == set(LABELS) and max(counts.values()) - min(counts.values()) <= 1
    assert len({r["text"] for r in rows}) == len(rows)
    by_family = collections.Counter((r["family"], r["label"]) for r in rows)
    assert all(by_family[(f, lab)] > 0 for f in FAMILIES for lab in LABELS)
    assert all(r["rule"] for r in rows)


def test_label_weights_are_honoured():
    rows = generate_classifier(400, seed=1, label_weights={"eligible": 3, "conditionally_eligible": 1,
                                                           "not_eligible": 1, "insufficient_information": 1})
    counts = collections.Counter(r["label"] for r in rows)
    assert abs(counts["eligible"] - 200) <= 2 and sum(counts.values()) == 400


def test_no_single_phrase_gives_the_label_away():
    """No frequent 3-word phrase occurs (mostly) with only one label: frames are shared across labels."""
    rows = generate_classifier(2000, seed=5)
    grams: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r in rows:
        words = r["text"].lower().split()
        for g in {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}:
            grams[g][r["label"]] += 1
    frequent = {g: c for g, c in grams.items() if sum(c.values()) >= 60}
    assert frequent, "expected shared frames"
    leaky = [g for g, c in frequent.items() if max(c.values()) / sum(c.values()) > 0.8]
    assert not leaky, leaky[:10]


def test_sft_rows_follow_the_policy_and_format():
    rows = generate_sft(120, seed=2)
    kinds = collections.Counter(r["kind"] for r in rows)
    assert set(kinds) == {"dispute", "education", "refusal"}
    for r in rows:
        roles = [m["role"] for m in r["messages"]]
        assert roles == ["system", "user", "assistant"]
        answer = r["messages"][-1]["content"]
        assert all(f"{s}:" in answer for s in SECTIONS) and "SOURCES:" in answer
        if r["kind"] == "dispute":
            assert r["label"] in LABELS
            assert f"(rule {r['rule']})" in answer
    json.dumps(rows)  # serialisable


def test_minimal_facts_keep_the_rule_and_drop_the_rest():
    from creditai.data.sampling import OPTIONAL_FIELDS, minimal_facts

    rng = random.Random(11)
    dropped = 0
    for label in LABELS:
        for _ in range(40):
            facts = sample_facts(rng, label)
            small = minimal_facts(facts, rng)
            assert decide(small).rule == decide(facts).rule
            assert (small.creditor, small.account_type, small.claim, small.evidence) == \
                (facts.creditor, facts.account_type, facts.claim, facts.evidence)
            dropped += sum(getattr(facts, n) is not None and getattr(small, n) is None for n in OPTIONAL_FIELDS)
    assert dropped > 100


def test_every_label_has_short_texts():
    """Length must not give the label away: each label has short texts (a bare "X is not mine")."""
    rows = generate_classifier(1200, seed=4)
    for label in LABELS:
        lengths = [len(r["text"]) for r in rows if r["label"] == label]
        assert sum(n < 120 for n in lengths) / len(lengths) >= 0.15, label


def test_dates_are_consistent_and_obsolescence_is_common():
    """An account opens before it goes delinquent; past-the-period debts (the most common lawful
    dispute) are a real share of the eligible rows, not one scenario in fifteen."""
    rng = random.Random(5)
    facts = [sample_facts(rng, label) for label in LABELS for _ in range(150)]
    assert all(f.date_opened < f.dofd for f in facts if f.date_opened and f.dofd)
    rows = generate_classifier(1200, seed=4)
    eligible = [r for r in rows if r["label"] == "eligible"]
    obsolete = [r for r in eligible if r["rule"] in ("E_OBSOLETE", "E_OBSOLETE_COLLECTION")]
    assert len(obsolete) / len(eligible) >= 0.12


def test_no_account_type_but_the_public_records_gives_the_label_away():
    """Every debt type appears under more than one label (tax liens and judgments are always eligible by policy)."""
    rng = random.Random(3)
    by_type = collections.defaultdict(collections.Counter)
    for label in LABELS:
        for _ in range(400):
            by_type[sample_facts(rng, label).account_type.value][label] += 1
    for kind, counts in by_type.items():
        if kind in ("unknown", "tax_lien", "civil_judgment"):
            continue
        assert max(counts.values()) / sum(counts.values()) <= 0.65, (kind, dict(counts))
    medical = by_type["medical"]  # paid, under $500 or under a year is eligible; an old unpaid $2,000 bill is not
    assert medical["eligible"] / sum(medical.values()) <= 0.55 and medical["not_eligible"] >= 0.25 * sum(medical.values())
