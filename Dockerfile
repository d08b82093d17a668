# syntax=docker/dockerfile:1
# Build stage: a virtualenv with the dependencies (their own cached layer), then the package.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# Dependencies only, at the versions of constraints.txt (the same pins as the README's
# commands and CI; refresh them with scripts/lock.sh): a stub package lets pip resolve
# pyproject.toml before the source arrives, so editing the code does not re-download them.
# Its build/ goes too: setuptools copies a source file only when it is newer than the built
# one, and the stub's empty __init__.py would otherwise be what the image ships.
COPY pyproject.toml README.md constraints.txt ./
RUN mkdir segmenter && touch segmenter/__init__.py \
    && pip install -c constraints.txt . \
    && pip uninstall -y segmenter \
    && rm -rf segmenter build segmenter.egg-info
COPY segmenter ./segmenter
RUN pip install --no-deps . && python -m compileall -q /opt/venv

# Run stage: the virtualenv and nothing else; no compilers, no pip cache, not root.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin segmenter
COPY --from=build /opt/venv /opt/venv
# MALLOC_ARENA_MAX: see `segmenter serve` (cli.py): glibc's per-thread arenas let a worker's
# memory creep under a feed of new pages. SEGMENTER_WORKERS: inside a container the CPU count
# the service sees is the node's, not the container's limit (32 workers, about 120 MB each, on
# a 32-core node); 2 fits a 2-CPU, 512 MiB container; set it to the CPUs the container gets.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MALLOC_ARENA_MAX=2 \
    SEGMENTER_HOST=0.0.0.0 \
    SEGMENTER_PORT=8000 \
    SEGMENTER_WORKERS=2
USER 10001:10001
WORKDIR /home/segmenter
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('SEGMENTER_PORT', '8000'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status == 200 else 1)"]
# granian with the SEGMENTER_* settings (segmenter/server.py, docs/service.md)
CMD ["segmenter", "serve"]
