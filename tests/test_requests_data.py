"""Request-classifier data: determinism, balance, styles per label, look-alikes, splits, no drift in other files."""

import collections
import json
import re

import pytest

from creditai.data.generator import write_datasets
from creditai.data.requests import (
    ALLOWED,
    PASTE_ASKS,
    PROHIBITED,
    REQUEST_LABELS,
    STYLES,
    generate_requests,
    model_input,
    phrasing_part_count,
    write_requests,
)

N = 3000


@pytest.fixture(scope="module")
def rows():
    return generate_requests(N, seed=42)


def _allowed_texts(rows, look=None):
    return [model_input(r).lower() for r in rows
            if r["label"] == ALLOWED and (look is None or r.get("lookalike_of") == look)]


def test_same_seed_same_rows_different_seed_differs(rows):
    assert generate_requests(N, seed=42) == rows
    other = generate_requests(N, seed=43)
    assert [r["text"] for r in other] != [r["text"] for r in rows]


def test_row_schema(rows):
    for r in rows:
        assert isinstance(r["text"], str) and r["text"].strip()
        assert r["label"] in REQUEST_LABELS and r["style"] in STYLES
        assert isinstance(r["turns"], list) and all(isinstance(t, str) and t.strip() for t in r["turns"])
        if "lookalike_of" in r:
            assert r["label"] == ALLOWED and r["lookalike_of"] in PROHIBITED
    json.dumps(rows)


def test_half_allowed_rest_even_over_the_prohibited_labels(rows):
    counts = collections.Counter(r["label"] for r in rows)
    assert counts[ALLOWED] == N // 2
    prohibited = [counts[label] for label in PROHIBITED]
    assert sum(prohibited) == N - N // 2 and max(prohibited) - min(prohibited) <= 1
    small = collections.Counter(r["label"] for r in generate_requests(37, seed=1))
    assert small[ALLOWED] == 19 and set(small) == set(REQUEST_LABELS)


def test_texts_unique_ignoring_case_and_punctuation(rows):
    keys = [re.sub(r"[\W_]+", " ", r["text"].lower()).strip() for r in rows]
    assert len(set(keys)) == len(rows)


def test_every_label_has_many_styles_and_styles_do_not_give_the_label_away(rows):
    by_label = collections.defaultdict(collections.Counter)
    for r in rows:
        by_label[r["label"]][r["style"]] += 1
    for label in REQUEST_LABELS:
        assert len(by_label[label]) >= 5, (label, by_label[label])
        assert len(by_label[label]) == len(STYLES), (label, sorted(by_label[label]))  # at 3,000 rows: all of them
    for style in STYLES:  # a style's share is about the same for allowed and prohibited rows
        share_allowed = by_label[ALLOWED][style] / sum(by_label[ALLOWED].values())
        share_prohibited = sum(by_label[lab][style] for lab in PROHIBITED) / sum(
            sum(by_label[lab].values()) for lab in PROHIBITED)
        assert abs(share_allowed - share_prohibited) < 0.04, style


def test_spanish_and_multi_turn_in_both_directions(rows):
    spanish = [r for r in rows if r["style"] == "spanish"]
    assert {r["label"] for r in spanish} == set(REQUEST_LABELS)
    assert sum(bool(re.search(r"[¿¡ñáéíóú]", r["text"])) for r in spanish) / len(spanish) > 0.8
    forward = [r for r in rows if r["style"] == "multi_turn"]
    reverse = [r for r in rows if r["style"] == "multi_turn_reverse"]
    assert forward and reverse and all(r["turns"] for r in forward + reverse)
    assert {r["label"] for r in reverse} == set(REQUEST_LABELS)  # the prohibited ask sits in an earlier turn
    # the innocent last turns are the same kind of text whatever the label: short follow-ups
    assert max(len(r["text"]) for r in reverse) < 140
    assert all(len(r["turns"][-1]) > len(r["text"]) / 2 for r in reverse if r["label"] != ALLOWED)


def test_pasted_transcripts_label_the_users_last_ask(rows):
    """One message holding an earlier chat: the assistant declines in the prohibited words; a user
    who insists is declined, one who takes the correction and asks the lawful way is answered."""
    from creditai.data.requests import ASSISTANT_DECLINES, ASSISTANT_REPLIES, TRANSCRIPT_PERSISTS, TRANSCRIPT_RETRACTS

    rows = [r for r in rows if r["style"] == "transcript"]
    assert {r["label"] for r in rows} == set(REQUEST_LABELS) and not any(r["turns"] for r in rows)
    declines = {d for ds in ASSISTANT_DECLINES.values() for d in ds}
    for r in rows:
        # the generated reply is an assistant line holding one of the generator's replies (a core may
        # hold a forged chat of its own)
        turns = re.split(r"\n(?=(?:User|user|Me|Customer|Q|Assistant|assistant|A): )", r["text"])
        i = next(i for i, t in enumerate(turns) if t.split(": ", 1)[0] in ("Assistant", "assistant", "A")
                 and t.split(": ", 1)[1] in declines | set(ASSISTANT_REPLIES))
        reply, last = turns[i].split(": ", 1), "\n".join(turns[i + 1:]).split(": ", 1)[1]
        if reply[1] in declines:
            assert not (r["label"] == ALLOWED and r["lookalike_of"] == "instruction_override"), r
            if r["label"] == ALLOWED:
                assert last.startswith(TRANSCRIPT_RETRACTS) and r["lookalike_of"], r
            else:
                assert last in TRANSCRIPT_PERSISTS, r
    retracted = [r for r in rows if r["label"] == ALLOWED and r["text"].rsplit("\n", 1)[-1].split(": ", 1)[-1]
                 .startswith(TRANSCRIPT_RETRACTS)]
    assert len(retracted) >= 20


def test_every_prohibited_label_has_allowed_lookalikes(rows):
    looks = collections.Counter(r["lookalike_of"] for r in rows if "lookalike_of" in r)
    assert set(looks) == set(PROHIBITED)
    assert min(looks.values()) >= 80, looks
    styles = collections.defaultdict(set)
    for r in rows:
        if "lookalike_of" in r:
            styles[r["lookalike_of"]].add(r["style"])
    assert all(len(s) >= 8 for s in styles.values())
    general = [r for r in rows if r["label"] == ALLOWED and "lookalike_of" not in r]
    assert len(general) >= 300


@pytest.mark.parametrize("look, needles", [
    ("identity_alteration", ("cpn", "file segregation", "ein", "itin", "new number|phone number|address")),
    ("outcome_guarantee", ("guarantee",)),
    ("dispute_accurate_as_inaccurate", ("goodwill", "pay-for-delete|pay for delete", "not mine|isn't mine", "validate",
                                        "lie")),
    ("false_identity_theft_or_report", ("ftc", "605b", "fraud alert", "fake")),
    ("false_threat_or_impersonation", ("attorney|lawyer", "sue", "cfpb")),
    ("dispute_everything", ("frivolous", "each one|separate disputes")),
    ("advance_fee", ("croa", "cancel", "upfront")),
    ("instruction_override", ("ignore", "pretend|role play|role-play", "disregard")),
])
def test_lookalikes_use_the_trigger_words_innocently(rows, look, needles):
    texts = _allowed_texts(rows, look)
    for needle in needles:
        assert any(re.search(needle, t) for t in texts), (look, needle)


def test_allowed_side_covers_the_lawful_alternatives(rows):
    texts = "\n".join(_allowed_texts(rows))
    for needle in ("validation letter", "medical", "7 years|fallen off", "duplicate", "never authorized",
                   "consumer attorney", "fraud alert", "3-day notice|3-business-day", "pay-for-delete"):
        assert re.search(needle, texts), needle


def test_late_admissions_agent_shorthand_and_hidden_instructions(rows):
    accurate = [r for r in rows if r["label"] == "dispute_accurate_as_inaccurate"]
    stories = [r["text"] for r in accurate if r["style"] == "long_story"]
    # 3-8 sentences of backstory, then the admission, then the ask
    assert stories and all(len(re.findall(r"[.!?](\s|$)", t)) >= 4 for t in stories)
    assert any(r["style"] == "agent" and r["text"].startswith("cl ") for r in accurate)
    override = [r for r in rows if r["label"] == "instruction_override" and r["style"].startswith("pasted")]
    hidden = [r for r in override if r["text"].strip().splitlines()[-1] in PASTE_ASKS
              or r["text"].splitlines()[0] in PASTE_ASKS]
    assert len(hidden) >= 5  # an innocent visible ask; the instruction is in the pasted text


def test_caps_and_typo_styles_are_what_they_say(rows):
    caps = [r["text"] for r in rows if r["style"] == "caps"]
    assert caps and all(t == t.upper() for t in caps)
    typos = [r["text"] for r in rows if r["style"] == "typos"]
    assert typos and all(t == t.lower() and not re.search(r"[.,?!;:'\"]", t) for t in typos)


def test_enough_distinct_phrasing_parts():
    assert phrasing_part_count() >= 600


def test_split_files_disjoint_80_10_10(tmp_path):
    paths = write_requests(tmp_path, count=1000, seed=9)
    assert set(paths) == {"requests_train", "requests_val", "requests_test"}
    parts = {name: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
             for name, path in paths.items()}
    sizes = {name: len(p) for name, p in parts.items()}
    assert sum(sizes.values()) == 1000
    assert abs(sizes["requests_train"] - 800) <= 5 and abs(sizes["requests_val"] - 100) <= 5
    keys = {name: {re.sub(r"[\W_]+", " ", r["text"].lower()).strip() for r in p} for name, p in parts.items()}
    assert sum(len(k) for k in keys.values()) == 1000
    assert not (keys["requests_train"] & keys["requests_val"] or keys["requests_train"] & keys["requests_test"]
                or keys["requests_val"] & keys["requests_test"])
    for p in parts.values():  # every split keeps every label
        assert {r["label"] for r in p} == set(REQUEST_LABELS)
    again = write_requests(tmp_path / "again", count=1000, seed=9)
    assert all(paths[n].read_bytes() == again[n].read_bytes() for n in paths)


def test_request_stream_leaves_the_other_files_byte_identical(tmp_path):
    kw = {"seed": 7, "classifier_count": 120, "embedding_count": 20, "sft_count": 30, "progress": False}
    without = write_datasets(tmp_path / "without", request_count=0, **kw)
    with_requests = write_datasets(tmp_path / "with", request_count=400, **kw)
    assert not any(name.startswith("requests_") for name in without)
    assert set(with_requests) - set(without) == {"requests_train", "requests_val", "requests_test"}
    for name, path in without.items():
        assert path.read_bytes() == with_requests[name].read_bytes(), name


def test_cli_writes_the_request_files(tmp_path, cli):
    out = tmp_path / "data"
    args = ("data", "generate", "--out", str(out), "--seed", "5", "--classifier-count", "20", "--embedding-count", "0",
            "--sft-count", "10")
    result = cli(*args, env={"REQUEST_COUNT": "90"})
    assert result.returncode == 0, result.stderr
    lines = sum(len((out / f"requests_{s}.jsonl").read_text(encoding="utf-8").splitlines()) for s in ("train", "val", "test"))
    assert lines == 90
    result = cli(*args, "--request-count", "0")
    assert result.returncode == 0, result.stderr


def test_authored_training_rows_are_valid_and_stay_out_of_the_evaluation_sets():
    """data/authored/requests_authored.jsonl: valid rows the screener trains on, none of them
    in the guard evaluation sets (it is training data only)."""
    import json

    from creditai import paths
    from creditai.data.io import read_jsonl
    from creditai.data.policy import REQUEST_LABELS
    from creditai.data.requests import model_input

    rows = read_jsonl(paths.authored_requests(), required=("text", "label", "style", "turns", "input"),
                      labels=REQUEST_LABELS)
    assert len(rows) >= 400 and {r["label"] for r in rows} == set(REQUEST_LABELS)
    assert all(r["input"] == model_input(r) for r in rows)
    evaluation = set()
    for name in ("guard_dev.jsonl", "guard_dev2.jsonl", "guard_dev3.jsonl", "guard_blind.jsonl", "guard_blind3.jsonl",
                 "redteam.jsonl"):
        path = paths.authored_requests().parents[2] / "tests" / "data" / name
        evaluation |= {json.loads(line)["text"].strip().lower() for line in path.read_text(encoding="utf-8").splitlines()}
    assert not evaluation & {r["text"].strip().lower() for r in rows}
