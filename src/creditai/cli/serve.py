"""`creditai serve`: run the HTTP service with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(envvar="CREDITAI_HOST", help="Interface to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="CREDITAI_PORT", help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(envvar="CREDITAI_WORKERS", min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the models over HTTP (API docs at http://HOST:PORT/docs)."""
    import os
    import shutil
    import tempfile

    import uvicorn

    from creditai.service.logs import uvicorn_log_config
    from creditai.service.settings import ServiceSettings

    # One intra-op torch thread per request unless told otherwise: concurrent requests use
    # the other cores, and one call never waits on a second, busy core. On 2 cores this
    # gave 95 vs 66 req/s on /classify and half the overhead (benchmarks/bench_service.py).
    os.environ.setdefault("CREDITAI_NUM_THREADS", "1")
    # validate the environment (and these options) before uvicorn starts
    settings = ServiceSettings.from_env(host=host, port=port, workers=workers)
    typer.echo(f"serving on http://{settings.host}:{settings.port} (docs: /docs, health: /health)", err=True)
    metrics_dir = None
    if settings.workers > 1 and not reload and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # one /metrics over all workers: each process writes its values here (set before the
        # workers start, so their prometheus_client picks multiprocess mode at import)
        metrics_dir = tempfile.mkdtemp(prefix="creditai-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run(
            "creditai.service.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=None if reload else settings.workers,
            reload=reload,
            log_config=uvicorn_log_config(settings.log_level),
            access_log=False,
        )
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)
