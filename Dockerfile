# syntax=docker/dockerfile:1
# burn's container image. Build it with Docker or Podman from a git checkout:
#
#   docker build -t burn:$(node -p 'require("./package.json").version')-$(git rev-parse --short=7 HEAD) \
#     --build-arg BURN_VERSION=$(node -p 'require("./package.json").version') \
#     --build-arg BURN_COMMIT=$(git rev-parse HEAD) \
#     --build-arg SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) .
#
# Without Docker or Docker Hub, scripts/image/build makes the same image as an OCI archive: both
# fill the root filesystem with scripts/image/assemble-rootfs (Debian 12's glibc, C++ runtime,
# openssl and CA certificates, Node.js, burn and its production dependencies; no shell, no package
# manager). Keep NODE_VERSION equal to scripts/image/versions.env (scripts/image/build checks it).
ARG NODE_VERSION=20.20.2

# 1. burn compiled, then only its production dependencies kept.
FROM docker.io/library/node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-info.mjs scripts/build-info.mjs
COPY scripts/image/prune-modules scripts/image/prune-modules
COPY bin bin
COPY src src
COPY configs configs
COPY workloads workloads
ARG BURN_COMMIT=unknown
ARG SOURCE_DATE_EPOCH
RUN BURN_BUILD_COMMIT="$BURN_COMMIT" npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && mkdir /app && cp -R package.json bin dist configs workloads node_modules /app/ \
 && scripts/image/prune-modules /app

# 2. The root filesystem: Debian's packages unpacked (not installed), node, /app, users.
FROM docker.io/library/debian:bookworm-slim AS rootfs
COPY scripts/image/versions.env scripts/image/assemble-rootfs /image/
COPY --from=build /app /image/app
COPY --from=build /usr/local/bin/node /image/node
ARG SOURCE_DATE_EPOCH
RUN set -eu; . /image/versions.env; apt-get update -qq; mkdir /image/debs; cd /image/debs; \
    apt-get download -qq $DEBIAN_PACKAGES; \
    /image/assemble-rootfs /rootfs /image/debs /image/node /image/app "$BURN_UID"

# 3. The image: that root filesystem alone.
FROM scratch
COPY --from=rootfs /rootfs /
ARG BURN_VERSION=unknown
ARG BURN_COMMIT=unknown
ARG BURN_SOURCE=unknown
LABEL org.opencontainers.image.title=burn \
      org.opencontainers.image.version=$BURN_VERSION \
      org.opencontainers.image.revision=$BURN_COMMIT \
      org.opencontainers.image.source=$BURN_SOURCE
ENV PATH=/usr/local/bin:/usr/bin:/bin \
    NODE_ENV=production \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
# BURN_UID of scripts/image/versions.env
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/node", "--max-semi-space-size=4", "/app/bin/burn.js"]
