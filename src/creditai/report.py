"""Renders the evaluation report as Markdown and PNG plots (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _f(x: Any) -> str:
    return f"{x:.3f}" if isinstance(x, (int, float)) else "—"


def _status_line(name: str, section: dict[str, Any]) -> str:
    status = section.get("status", "?")
    reason = f": {section['reason']}" if section.get("reason") else ""
    return f"_{name}: {status}{reason} ({section.get('seconds', 0)} s)_\n"


def _classifier_md(sec: dict[str, Any]) -> list[str]:
    lines = ["## Eligibility classifier", _status_line("classifier", sec)]
    sets = sorted(set(sec.get("baselines", {}).get("rules", {})) | set(sec.get("datasets", {})))
    if not sets:
        return lines
    inf = sec.get("inference")
    if inf:
        lines += [f"The model runs as served: {inf['backend']} {'int8' if inf['int8'] else 'fp32'} "
                  "(the trainer's verified default).", ""]
    lines += ["| dataset | system | n | accuracy | macro-F1 | ECE |", "|---|---|---:|---:|---:|---:|"]
    for ds in sets:
        rows = [("fine-tuned model", sec.get("datasets", {}).get(ds)),
                ("model + rules fallback", sec.get("fallback", {}).get(ds)),
                ("rule-based", sec.get("baselines", {}).get("rules", {}).get(ds)),
                ("TF-IDF + logistic regression", sec.get("baselines", {}).get("tfidf", {}).get(ds))]
        for name, m in rows:
            if m:
                lines.append(f"| {ds} | {name} | {m['n']} | {_f(m['accuracy'])} | {_f(m['macro_f1'])} | {_f(m.get('ece'))} |")
    for ds, m in sec.get("datasets", {}).items():
        lines += ["", f"Per-class F1 of the fine-tuned model on `{ds}`:", "",
                  "| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
        for lab, c in m["per_class"].items():
            lines.append(f"| {lab} | {_f(c['precision'])} | {_f(c['recall'])} | {_f(c['f1'])} | {c['support']} |")
    return lines


def _retrieval_md(sec: dict[str, Any]) -> list[str]:
    lines = ["## Retrieval", _status_line("retrieval", sec)]
    modes = sec.get("modes", {})
    if modes:
        lines += [f"{sec.get('queries', '?')} held-out questions. {sec.get('note', '')}", "",
                  "| mode | recall@1 | recall@5 | MRR@10 | nDCG@10 |", "|---|---:|---:|---:|---:|"]
        for mode, m in modes.items():
            lines.append(f"| {mode} | {_f(m.get('recall@1'))} | {_f(m.get('recall@5'))} | {_f(m.get('mrr@10'))} | {_f(m.get('ndcg@10'))} |")
    return lines


def _assistant_md(sec: dict[str, Any]) -> list[str]:
    lines = ["## Assistant answers (red team)", _status_line("assistant", sec)]
    paths = sec.get("paths", {})
    if paths:
        lines += ["| path | prohibited refused | legitimate answered | answers compliant | sections complete |",
                  "|---|---:|---:|---:|---:|"]
        for name, m in paths.items():
            lines.append(f"| {name} | {_f(m['refusal_rate'])} ({m['n_prohibited']}) | {_f(m['answer_rate'])} ({m['n_legitimate']}) "
                         f"| {_f(m['compliance_rate'])} | {_f(m['section_completeness'])} |")
        if sec.get("note"):
            lines.append(f"\n{sec['note']}")
    return lines


def _guard_md(sec: dict[str, Any]) -> list[str]:
    lines = ["## Request screening (guard sets)", _status_line("guard", sec)]
    paths = sec.get("paths", {})
    if not paths:
        return lines
    scr = sec.get("screener", {})
    lines.append(f"Learned screener: {'loaded, threshold ' + str(scr.get('threshold')) if scr.get('loaded') else 'not trained'}; "
                 "`blind` and `blind3` were written blind from the policy and are never used to choose; `dev`, `dev2`, `dev3` "
                 "and `redteam_dev` are.")
    if sec.get("screening_ms"):
        ms = sec["screening_ms"]
        lines.append(f"Screener latency, one request at a time: p50 {ms['p50']} ms, p95 {ms['p95']} ms ({ms['n']} requests).")
    lines += ["", "| path | set | declined | over-refused | declined by |", "|---|---|---:|---:|---|"]
    for path, sets in paths.items():
        for name, m in sets.items():
            by = ", ".join(f"{k} {v}" for k, v in m.get("declined_by", {}).items())
            lines.append(f"| {path} | {name} | {_f(m['decline_rate'])} ({m['n_prohibited']}) "
                         f"| {_f(m['over_refusal_rate'])} ({m['n_legitimate']}) | {by} |")
    best = next(reversed(paths.values()))  # the last path: rules + model when trained
    for name, m in best.items():
        lines += ["", f"Per category, {name} set ({next(reversed(paths))}): declined share of prohibited rows, "
                      "over-refused share of legitimate rows that look like the category.", "",
                  "| category | declined | n | over-refused | n |", "|---|---:|---:|---:|---:|"]
        for cat, row in m["by_category"].items():
            lines.append(f"| {cat} | {_f(row.get('declined'))} | {row.get('n_prohibited', 0)} "
                         f"| {_f(row.get('over_refused'))} | {row.get('n_legitimate', 0)} |")
    return lines


def _real_text_md(sec: dict[str, Any]) -> list[str]:
    lines = ["## Real complaint narratives (CFPB, descriptive)", _status_line("real_text", sec)]
    if sec.get("by_sub_issue"):
        labels = list(sec["labels"])
        lines += [f"{sec['n']} real narratives labelled by the served classifier (model decided {sec['model_share']:.0%}); "
                  "shares per CFPB sub-issue. The CFPB issue is the consumer's own choice, not our label.", "",
                  "| CFPB sub-issue | n | " + " | ".join(labels) + " |", "|---|---:|" + "---:|" * len(labels)]
        for issue, row in sec["by_sub_issue"].items():
            lines.append(f"| {issue} | {row['n']} | " + " | ".join(f"{row[lab]:.2f}" for lab in labels) + " |")
        lines.append("| all | " + str(sec["n"]) + " | " + " | ".join(f"{sec['labels'][lab]:.2f}" for lab in labels) + " |")
    return lines


def render_markdown(report: dict[str, Any]) -> str:
    """The human-readable report."""
    lines = ["# AI evaluation report", "",
             f"Created {report['created_at']} by creditai {report['creditai_version']} (schema {report['schema_version']}).", ""]
    if report.get("missing"):
        lines += ["**Not evaluated:**", ""] + [f"- {m}" for m in report["missing"]] + [""]
    for block in (_classifier_md(report.get("classifier", {})), _retrieval_md(report.get("retrieval", {})),
                  _assistant_md(report.get("assistant", {})), _guard_md(report.get("guard", {})),
                  _real_text_md(report.get("real_text", {}))):
        lines += block + [""]
    if report.get("plots"):
        lines += ["## Plots", ""] + [f"![{p}]({p})" for p in report["plots"]]
    return "\n".join(lines) + "\n"


def render_plots(report: dict[str, Any], out_dir: Path) -> list[str]:
    """Confusion matrices, reliability diagrams and retrieval bars; returns file names."""
    written = []
    for ds, m in report.get("classifier", {}).get("datasets", {}).items():
        labels, matrix = m["confusion_matrix"]["labels"], m["confusion_matrix"]["matrix"]
        fig, ax = plt.subplots(figsize=(5.5, 4.5))
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(labels)), [l.replace("_", "\n") for l in labels], fontsize=7)
        ax.set_yticks(range(len(labels)), [l.replace("_", "\n") for l in labels], fontsize=7)
        for i, row in enumerate(matrix):
            for j, v in enumerate(row):
                ax.text(j, i, str(v), ha="center", va="center", fontsize=9)
        ax.set_xlabel("predicted"), ax.set_ylabel("true"), ax.set_title(f"Confusion matrix: {ds}")
        name = f"confusion_{ds}.png"
        fig.tight_layout(), fig.savefig(out_dir / name, dpi=110), plt.close(fig)
        written.append(name)
        if m.get("reliability"):
            bins = [b for b in m["reliability"] if b["count"]]
            fig, ax = plt.subplots(figsize=(4.5, 4.5))
            ax.plot([0, 1], [0, 1], "--", color="grey")
            ax.bar([(b["lo"] + b["hi"]) / 2 for b in bins], [b["accuracy"] for b in bins], width=0.09, alpha=0.7)
            ax.set_xlabel("confidence"), ax.set_ylabel("accuracy"), ax.set_title(f"Reliability: {ds} (ECE {m.get('ece', 0):.3f})")
            name = f"reliability_{ds}.png"
            fig.tight_layout(), fig.savefig(out_dir / name, dpi=110), plt.close(fig)
            written.append(name)
    modes = report.get("retrieval", {}).get("modes", {})
    if modes:
        metrics = ["recall@1", "recall@5", "mrr@10", "ndcg@10"]
        fig, ax = plt.subplots(figsize=(7, 4))
        width = 0.8 / len(modes)
        for i, (mode, m) in enumerate(modes.items()):
            ax.bar([j + i * width for j in range(len(metrics))], [m.get(k, 0) for k in metrics], width, label=mode)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(metrics))], metrics)
        ax.set_ylim(0, 1), ax.legend(), ax.set_title("Retrieval on held-out questions")
        fig.tight_layout(), fig.savefig(out_dir / "retrieval.png", dpi=110), plt.close(fig)
        written.append("retrieval.png")
    return written
