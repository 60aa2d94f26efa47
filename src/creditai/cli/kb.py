"""`creditai kb build|search|info`: the knowledge-base index from the command line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

import typer

from creditai import paths
from creditai.batch.jobs import hit_dict
from creditai.cli._batch import ActorsOpt, AddressOpt, EngineOpt, StorageOpt, check_engine, run_batch
from creditai.errors import CreditAIError

app = typer.Typer(help="Build and search the knowledge-base index (embedded, no server).", no_args_is_help=True)

_MODES = ("hybrid", "bm25", "dense")


def _quiet_skip_warnings() -> None:
    # build_index logs one warning per skipped file; the CLI prints its own summary instead.
    logging.getLogger("creditai.kb.search").setLevel(logging.ERROR)
    logging.getLogger("creditai.kb.ingest").setLevel(logging.ERROR)


@app.command()
def build(
    source: Optional[list[Path]] = typer.Option(None, "--source", "-s", help="Folder or file to index (repeatable). Default: knowledge_base/ plus $KNOWLEDGE_BASE_DIRS."),
    index_dir: Optional[Path] = typer.Option(None, "--index-dir", help="Index folder (default: $CREDITAI_INDEX_DIR or indexes/kb)."),
    chunk_size: int = typer.Option(1000, "--chunk-size", min=50, help="Chunk size (characters, or words with --unit words)."),
    overlap: int = typer.Option(150, "--overlap", min=0, help="Overlap between pieces of a split paragraph."),
    unit: str = typer.Option("chars", "--unit", help="chars or words."),
    model: Optional[str] = typer.Option(None, "--model", help="Embeddings model dir or id (default: fine-tuned if present, else bundled MiniLM)."),
    no_embeddings: bool = typer.Option(False, "--bm25-only", help="Index without embeddings (BM25 search only)."),
    show_warnings: int = typer.Option(5, "--show-warnings", help="How many skip warnings to print."),
) -> None:
    """Build or incrementally update the index (only new/changed documents are re-embedded)."""
    from creditai.kb.search import build_index

    if unit not in ("chars", "words"):
        raise CreditAIError(f"--unit must be chars or words (got {unit!r})")
    if overlap >= chunk_size:
        raise CreditAIError(f"--overlap ({overlap}) must be smaller than --chunk-size ({chunk_size})")
    embedder: object = "auto"
    if no_embeddings:
        embedder = None
    elif model:
        from creditai.kb.embed import load_embedder

        embedder = load_embedder(model)
    _quiet_skip_warnings()
    sources = list(source) if source else paths.knowledge_base_dirs()
    stats = build_index(sources, index_dir, chunk_size=chunk_size, overlap=overlap, unit=unit, embedder=embedder, progress=sys.stderr.isatty())  # type: ignore[arg-type]
    for w in stats.warnings[:show_warnings]:
        typer.echo(f"warning: {w}", err=True)
    if len(stats.warnings) > show_warnings:
        typer.echo(f"warning: ... and {len(stats.warnings) - show_warnings} more", err=True)
    typer.echo(stats.summary())
    typer.echo(f"index written to {stats.index_dir}")


@app.command()
def info(index_dir: Optional[Path] = typer.Option(None, "--index-dir")) -> None:
    """Print what the index holds (documents, chunks, model, doc types) as JSON."""
    kb = _load(index_dir, "auto")
    typer.echo(json.dumps(kb.info(), indent=2))


def _load(index_dir: Optional[Path], embedder: object):
    from creditai.batch.jobs import load_knowledge_base

    return load_knowledge_base(str(index_dir) if index_dir else None, embedder)


@app.command()
def search(
    query: Optional[str] = typer.Argument(None, help="The question to search for."),
    k: int = typer.Option(5, "-k", "--k", min=1, help="Number of hits."),
    as_json: bool = typer.Option(False, "--json", help="Print hits as JSON."),
    doc_type: Optional[list[str]] = typer.Option(None, "--doc-type", help="Only these doc types (repeatable)."),
    intent: Optional[str] = typer.Option(None, "--intent", help="dispute | education | document_generation: route to the doc types that serve it."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid | bm25 | dense."),
    input_file: Optional[list[str]] = typer.Option(None, "--input", "-i", help="Batch: JSONL with a 'query' per row (optional k, doc_types, intent); repeatable, paths, globs or URLs."),
    output_file: Optional[str] = typer.Option(None, "--output", "-o", help="Batch: write each input row plus 'hits' here (default: stdout; a folder for several inputs)."),
    index_dir: Optional[Path] = typer.Option(None, "--index-dir"),
    engine: str = EngineOpt,
    address: Optional[str] = AddressOpt,
    actors: Optional[int] = ActorsOpt,
    storage_option: Optional[list[str]] = StorageOpt,
) -> None:
    """Search the index: one query, or a batch with --input queries.jsonl --output hits.jsonl."""
    if mode not in _MODES:
        raise CreditAIError(f"--mode must be one of {', '.join(_MODES)} (got {mode!r})")
    if (query is None) == (not input_file):
        raise CreditAIError("give either a query or --input FILE")
    check_engine(engine, address, actors, input_file)
    if input_file:
        from creditai.batch import SearchJob

        job = SearchJob(index_dir=str(index_dir or paths.index_dir()), k=k, doc_types=tuple(doc_type or ()),
                        intent=intent, mode=mode)
        result = run_batch(job, input_file, output_file, engine=engine, address=address, actors=actors,
                           storage_option=storage_option)
        if output_file:
            typer.echo(f"wrote {result.total} results to {output_file}", err=True)
        return
    kb = _load(index_dir, "auto")
    if kb.size() == 0:
        typer.echo("warning: the index is empty", err=True)
    hits = kb.search(query or "", k=k, doc_types=doc_type, intent=intent, mode=mode)  # type: ignore[arg-type]
    if as_json:
        typer.echo(json.dumps({"query": query, "mode": mode if kb.dense_available else "bm25", "hits": [hit_dict(h) for h in hits]}, indent=2, ensure_ascii=False))
        return
    if not kb.dense_available and mode != "bm25":
        typer.echo("note: no embeddings model available, BM25 results only", err=True)
    if not hits:
        typer.echo("no results")
    for i, h in enumerate(hits, 1):
        where = f" > {h.heading}" if h.heading else ""
        typer.echo(f"{i}. [{h.score:.4f}] {h.title}{where}  ({h.doc_type}; {h.source})")
        if h.citations:
            typer.echo(f"   cites: {', '.join(h.citations[:6])}")
        snippet = " ".join(h.text.split())
        typer.echo(f"   {snippet[:240]}{'...' if len(snippet) > 240 else ''}")
