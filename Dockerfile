# srm-bot: Socket Mode by default; HTTP mode when SLACK_SIGNING_SECRET is set without SLACK_APP_TOKEN.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SRM_KNOWLEDGE_DIR=/app/knowledge \
    SRM_DATABASE_URL=sqlite:////data/srm-bot.sqlite3 \
    PORT=3000

WORKDIR /app
# /data holds the default SQLite store; mount a volume there, or set SRM_DATABASE_URL to PostgreSQL.
RUN useradd --create-home --uid 10001 srm && mkdir /data && chown srm /data

# Dependencies in their own layer: rebuilt only when pyproject.toml changes, not on every code edit.
COPY pyproject.toml README.md ./
RUN mkdir bot && touch bot/__init__.py && pip install . && pip uninstall -y srm-bot && rm -rf bot build

COPY bot ./bot
COPY knowledge ./knowledge
RUN pip install --no-deps -e .

USER 10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["python", "-m", "bot.healthcheck"]
CMD ["srm", "serve"]
