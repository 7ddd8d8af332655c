# The accountgraph API. docker-compose.yml runs it beside Neo4j (or FalkorDB); the
# entrypoint waits for the store, loads the WIPO dataset into it and serves on port 8000.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The PNG export: the cairo library CairoSVG draws with, a Latin font and a CJK font
# (WenQuanYi Micro Hei, 5 MB) so that the Chinese chart has its characters.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcairo2 fonts-dejavu-core fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# What the package build needs: the project file, the README, the code, and the dataset
# and Cypher files it ships.
COPY pyproject.toml README.md ./
COPY src ./src
COPY graph ./graph
COPY cypher ./cypher
RUN pip install . && rm -rf /src

COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/accountgraph-entrypoint

RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin accountgraph
USER accountgraph
WORKDIR /tmp

# Smoke test, as the user that serves: the chart exports to PNG in English and Chinese
# (export refuses a chart whose characters no installed font has), or the build fails.
RUN accountgraph export --format png --out smoke-en.png \
    && accountgraph export --format png --lang zh --out smoke-zh.png \
    && python3 -c "import sys; bad = [n for n in sys.argv[1:] if open(n, 'rb').read(8) != b'\x89PNG\r\n\x1a\n']; sys.exit(f'not a PNG: {bad}' if bad else 0)" smoke-en.png smoke-zh.png \
    && rm smoke-en.png smoke-zh.png

EXPOSE 8000
ENTRYPOINT ["/usr/local/bin/accountgraph-entrypoint"]
