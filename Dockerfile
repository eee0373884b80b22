# srm-bot: Socket Mode by default; HTTP mode when SLACK_SIGNING_SECRET is set without SLACK_APP_TOKEN.
# Two stages: the first builds srm-bot's wheel (knowledge/ inside it) and the pinned dependency wheels;
# the second installs them, with no build tools, source tree or editable install in the image.
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# Dependencies in their own layer: rebuilt only when the pins change, not on every code edit.
COPY constraints.txt ./
RUN pip wheel --wheel-dir /wheels -r constraints.txt
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SRM_DATABASE_URL=sqlite:////data/srm-bot.sqlite3 \
    PORT=3000

# /data holds the default SQLite store; mount a volume there, or set SRM_DATABASE_URL to PostgreSQL.
RUN useradd --create-home --uid 10001 srm && mkdir /data && chown srm /data
COPY constraints.txt /tmp/constraints.txt
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links /wheels -c /tmp/constraints.txt "srm-bot[postgres]" && rm /tmp/constraints.txt

USER 10001
WORKDIR /home/srm
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["python", "-m", "bot.healthcheck"]
CMD ["srm", "serve"]
