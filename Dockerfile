# syntax=docker/dockerfile:1
# Build: docker build -t accounts-api .   Run: see docker-compose.yaml.
FROM rust:1.95-slim-bookworm AS build
# librdkafka is built from source (rdkafka's bundled copy).
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so source edits do not rebuild them.
COPY Cargo.toml Cargo.lock ./
COPY migration/Cargo.toml migration/Cargo.toml
RUN mkdir -p src/bin migration/src \
 && for bin in src/main.rs src/bin/migrate.rs src/bin/worker.rs; do echo 'fn main() {}' > "$bin"; done \
 && touch src/lib.rs migration/src/lib.rs \
 && cargo build --release --locked --bins \
 && rm -rf src migration/src
COPY src src
COPY migration migration
COPY templates templates
RUN touch src/main.rs src/lib.rs migration/src/lib.rs \
 && cargo build --release --locked --bins

FROM debian:bookworm-slim
# curl: docker-compose.yaml's healthchecks.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app app
WORKDIR /app
COPY --from=build /src/target/release/accounts-api /src/target/release/migrate /src/target/release/worker /usr/local/bin/
USER app
ENV APP_ENV=production APP_HOST=0.0.0.0 APP_PORT=8080 LOG_FORMAT=json
EXPOSE 8080
CMD ["accounts-api"]
