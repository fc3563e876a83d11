# syntax=docker/dockerfile:1
# The production image is the service only: its bundle, the SQLite writer thread's three files and
# the production dependencies, on distroless Node 24 (no shell, no package manager, no compiler).
# The simulator and the mock token issuer are development dependencies and stay out; the
# `simulator` stage, for docker/compose.yml, is built only when asked for.
#
# Pinned: the build on the exact Node that package.json pins (devDependency node); the runtime by
# digest. The digest is distroless's nodejs24-debian12:nonroot as published in a public Dockerfile
# (no registry is reachable from this repository's CI): refresh it with
# `crane digest gcr.io/distroless/nodejs24-debian12:nonroot`.
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY simulator ./simulator
COPY scripts ./scripts
RUN npm run build

# What the bundle loads from node_modules, nothing more: its externals that are production
# dependencies (the documentation plugins, used outside production, e.g. docker/compose.yml) and
# what they depend on. The bundle carries every other dependency, so a full install would put
# packages in the image that no code path loads.
FROM node:24.21.0-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY docker/behold-eksterne.mjs ./
RUN npm ci --omit=dev --no-audit --no-fund && node behold-eksterne.mjs /app @fastify/swagger @fastify/swagger-ui

# Every upstream for docker/compose.yml's local trials: synthetic persons and dev tokens. Never
# deployed. Its own entry, under tsx from the build stage's development dependencies.
FROM build AS simulator
USER node
CMD ["node", "--import", "tsx", "simulator/main.ts"]

FROM gcr.io/distroless/nodejs24-debian12:nonroot@sha256:14d42e2511532589a7c7e01a753667a74fcc96266e137e8125006b87b0c32d0a AS runtime
# No AUDIT_STORE: production names its own (PostgreSQL, shared by the replicas), on NAIS the
# database URL NAIS injects (DB_URL); an image default would shadow it, and the root filesystem is
# read-only there.
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0
WORKDIR /app
# Code owned by root, read-only to the service's user.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/stonadsoppslag.mjs /app/dist/sqlite-skriver.cjs /app/dist/kjedeformel.cjs /app/dist/sqlite-transaksjon.cjs ./dist/
# distroless's nonroot user, by number (a runtime that checks runAsNonRoot needs a number).
USER 65532:65532
EXPOSE 8080
# Liveness for plain Docker; NAIS uses /health/live and /health/ready.
HEALTHCHECK --interval=15s --timeout=3s CMD ["/nodejs/bin/node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Heap flags as in `npm start`: with a cap V8 sizes the heap to the live data rather than to the
# allocation rate (10 000 live lookups: ~225 MiB RSS instead of ~470). The young generation's
# semispaces at 16 MiB: at 4 MiB, lookups in flight (parsed documents) outlived the scavenges and
# were promoted, and GC took a quarter of a lookup's CPU; 16 MiB costs ~15 MiB of RSS.
# OPPSLAG_MAKS_MB must stay well below the cap. dist/stonadsoppslag.mjs is the service bundled
# into one file (scripts/bundle.ts). distroless's entrypoint is node itself: cleared, so that this
# CMD is npm start's whole command (a test compares them).
ENTRYPOINT []
CMD ["/nodejs/bin/node", "--max-old-space-size=256", "--max-semi-space-size=16", "dist/stonadsoppslag.mjs"]
