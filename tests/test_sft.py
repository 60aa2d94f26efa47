"""LoRA SFT on a tiny Qwen2 model: the loss falls, the adapter and merged weights load and generate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _tinyllm import tiny_llm_dir, tiny_sft_rows
from creditai.errors import DataError


@pytest.fixture(scope="module")
def data_files(tmp_path_factory):
    from creditai.data.io import write_jsonl

    d = tmp_path_factory.mktemp("sft-data")
    rows = list(tiny_sft_rows(24, 3))
    return write_jsonl(d / "model1_sft.train.jsonl", rows[:20]), write_jsonl(d / "model1_sft.valid.jsonl", rows[20:])


def _cfg(out: Path, train: Path, valid: Path, **kw):
    from creditai.config import SFTConfig

    base = dict(model_id=str(tiny_llm_dir()), output_dir=out, train_file=train, valid_file=valid, max_length=256,
                batch_size=4, eval_batch_size=4, learning_rate=1e-2, epochs=2, lora_r=8, lora_alpha=16, seed=1)
    base.update(kw)
    return SFTConfig(**base)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, data_files):
    from creditai.basemodels import resolve_model
    from creditai.train.sft import train_sft

    out = tmp_path_factory.mktemp("sft-out") / "assistant_lora"
    cfg = _cfg(out, *data_files)
    path = train_sft(cfg, base_model=resolve_model(cfg.model_id), merge=True, progress=False)
    return path


def test_training_loss_falls(trained):
    meta = json.loads((trained / "metadata.json").read_text())
    m = meta["metrics"]
    print("SFT loss: first", m["first_train_loss"], "last", m["last_train_loss"],
          "valid before", m["valid_loss_before"], "after", m["valid_loss_after"])
    assert m["last_train_loss"] < m["first_train_loss"]
    assert m["valid_loss_after"] < m["valid_loss_before"]
    assert len(m["valid_epochs"]) == 2  # validation loss each epoch
    assert meta["loss_mode"] == "assistant_only"


def test_adapter_and_metadata_saved(trained):
    for name in ("adapter_config.json", "adapter_model.safetensors", "tokenizer_config.json", "metadata.json"):
        assert (trained / name).is_file(), name
    meta = json.loads((trained / "metadata.json").read_text())
    assert meta["kind"] == "sft" and meta["base_model_path"] == str(tiny_llm_dir().resolve())
    assert meta["config"]["lora_r"] == 8 and meta["dataset_hashes"]["train"]
    assert not list(trained.parent.glob(".assistant_lora.tmp-*"))  # atomic: no leftovers


def test_adapter_loads_and_generates(trained, tmp_path):
    import shutil

    from creditai.assistant.llm import LocalLLM

    adapter_only = tmp_path / "adapter"
    shutil.copytree(trained, adapter_only, ignore=shutil.ignore_patterns("merged"))
    llm = LocalLLM.load(adapter_only, max_new_tokens=12, max_time=10, generation_kwargs={"do_sample": True})
    assert llm.plan.source == "adapter" and llm.plan.adapter_path == adapter_only
    text = llm.generate([{"role": "user", "content": "Midland collection $812, not mine."}])
    assert isinstance(text, str) and text


def test_merged_weights_match_the_adapter(trained):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    merged_dir = trained / "merged"
    assert (merged_dir / "config.json").is_file() and (merged_dir / "model.safetensors").is_file()
    tok = AutoTokenizer.from_pretrained(merged_dir)
    ids = tok("SUMMARY: the collection account", return_tensors="pt")["input_ids"]
    merged = AutoModelForCausalLM.from_pretrained(merged_dir).eval()
    adapted = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_llm_dir()), str(trained)).eval()
    with torch.no_grad():
        assert torch.allclose(merged(ids).logits, adapted(ids).logits, atol=1e-4)


def test_eight_bit_without_cuda_warns_and_falls_back(data_files, tmp_path):
    from creditai.train.sft import _quantization

    with pytest.warns(UserWarning):
        assert _quantization(_cfg(tmp_path / "o", *data_files, use_8bit=True), "cpu") is None
    assert _quantization(_cfg(tmp_path / "o", *data_files), "cpu") is None


def test_bad_chat_rows_name_file_and_line(tmp_path):
    from creditai.train.sft import load_chat_rows

    f = tmp_path / "model1_sft.train.jsonl"
    good = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    bad = {"messages": [{"role": "user", "content": "hi"}]}
    f.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(DataError) as exc:
        load_chat_rows([f])
    assert f"{f}:2" in str(exc.value)


def test_cli_unresolvable_model_exits_2_with_hint(cli, data_files, tmp_path):
    train, valid = data_files
    cfg = tmp_path / "model1_sft_test.yaml"
    cfg.write_text(f"model_id: Qwen/Qwen2.5-0.5B-Instruct\noutput_dir: {tmp_path / 'out'}\n"
                   f"train_file: {train}\nvalid_file: {valid}\n")
    r = cli("train", "sft", "--config", str(cfg), env={"QWEN_MODEL_ID": "no-such-org/no-such-model-xyz",
                                                       "CREDITAI_ONLINE": "0"})
    assert r.returncode == 2, r.stderr
    assert "QWEN_MODEL_ID" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_chat_template_modes():
    from transformers import AutoTokenizer

    import trl
    from creditai.train.sft import _prepare_chat_template

    tok = AutoTokenizer.from_pretrained(tiny_llm_dir())
    assert _prepare_chat_template(tok) == "assistant_only"  # our ChatML has generation markers
    tok.chat_template = (Path(trl.__file__).parent / "chat_templates" / "qwen2_5.jinja").read_text()
    assert _prepare_chat_template(tok) == "assistant_only"  # trl patches the Qwen2.5 template
    tok.chat_template = "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    assert _prepare_chat_template(tok) == "completion_only"  # unknown template: prompt/completion rows
    tok.chat_template = None
    assert _prepare_chat_template(tok) == "assistant_only" and "generation" in tok.chat_template


def test_pipeline_uses_the_trained_adapter_when_enabled(trained, tmp_path, monkeypatch):
    from creditai.assistant.guard import find_violations, has_disclaimer
    from creditai.assistant.pipeline import Analyzer
    from creditai.inference.eligibility import EligibilityPredictor

    monkeypatch.chdir(tmp_path)  # no knowledge_base/ here: retrieval degrades to no passages
    monkeypatch.setenv("CREDITAI_INDEX_DIR", str(tmp_path / "no-index"))
    monkeypatch.setenv("ENABLE_LLM", "true")
    monkeypatch.setenv("SFT_OUTPUT", str(trained))
    analyzer = Analyzer(classifier=EligibilityPredictor(model_dir=tmp_path / "no-model"), llm_max_time=5)
    res = analyzer.analyze("Midland collection $812 is not mine, I never had an account with them.")
    assert analyzer.info()["llm"]["source"] == "merged"
    assert res.components["llm"] == "ok" or res.components["llm"].startswith("error")
    assert res.components["composer"] in ("llm", "template")
    assert has_disclaimer(res.answer) and find_violations(res.answer) == [] and all(res.sections.values())


def test_pipeline_without_llm_weights_uses_the_template(tmp_path, monkeypatch):
    from creditai.assistant.pipeline import Analyzer
    from creditai.inference.eligibility import EligibilityPredictor

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREDITAI_INDEX_DIR", str(tmp_path / "no-index"))
    monkeypatch.setenv("ENABLE_LLM", "true")
    monkeypatch.setenv("SFT_OUTPUT", str(tmp_path / "no-adapter"))
    monkeypatch.delenv("QWEN_MODEL_ID", raising=False)
    res = Analyzer(classifier=EligibilityPredictor(model_dir=tmp_path / "no-model")).analyze(
        "Midland collection $812 is not mine.")
    assert res.components["llm"] == "unavailable" and res.components["composer"] == "template"
