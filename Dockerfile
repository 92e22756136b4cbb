# syntax=docker/dockerfile:1
# Build: docker build --build-arg GIT_COMMIT=$(git rev-parse --short=12 HEAD) -t accounts-api .
# Run: see docker-compose.yaml and deploy/kubernetes. scripts/check-image.sh builds and runs
# it here without a Docker engine; tests/api/dockerfile.rs checks it copies what the build reads.
FROM rust:1.95-slim-bookworm AS build
# librdkafka is built from source (rdkafka's bundled copy).
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so source edits do not rebuild them: the manifests, with a stub for each
# target they name (binaries in src/bin are found by cargo, so need none).
COPY Cargo.toml Cargo.lock ./
COPY migration/Cargo.toml migration/Cargo.toml
RUN mkdir -p src migration/src benches \
 && for stub in src/main.rs benches/password_strength.rs; do echo 'fn main() {}' > "$stub"; done \
 && touch src/lib.rs migration/src/lib.rs \
 && cargo build --release --locked --bins \
 && rm -rf src migration/src benches
COPY build.rs ./
COPY benches/password_strength.rs benches/
COPY migration migration
COPY templates templates
COPY src src
# The commit the binaries report (accounts_build_info); the build has no .git to read it from.
ARG GIT_COMMIT=
RUN touch src/main.rs src/lib.rs migration/src/lib.rs \
 && GIT_COMMIT="$GIT_COMMIT" cargo build --release --locked --bins

# Distroless: glibc, libgcc, OpenSSL, CA certificates and time zones; no shell, no package
# manager. The health check is `manage probe`: GET /api/v1/health/live on APP_PORT (no curl).
FROM gcr.io/distroless/cc-debian12:nonroot
WORKDIR /app
# Every binary in src/bin with the API: the first administrator is made with `manage`.
COPY --from=build /src/target/release/accounts-api /src/target/release/manage \
  /src/target/release/migrate /src/target/release/worker /usr/local/bin/
USER 10001:10001
ENV APP_ENV=production APP_HOST=0.0.0.0 APP_PORT=8080 LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["manage", "probe"]
CMD ["accounts-api"]
