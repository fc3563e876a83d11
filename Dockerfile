# syntax=docker/dockerfile:1
# Build: compile TypeScript and the native SQLite binding; run: only what production needs.
# One image for both stages: the code cache made in the build is valid only for the same Node.
ARG NODE_IMAGE=node:22-bookworm-slim
FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
# The build ends by starting the bundle once (development mode, the simulator bundle answering on
# loopback) to make V8's code cache with this image's Node and npm start's flags (scripts/bundle.ts).
RUN npm run build \
 && npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
# No AUDIT_STORE here: on NAIS the database URL NAIS injects (DB_URL) is its default, and an image
# default would shadow it (the root filesystem is read-only there in any case).
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0
WORKDIR /app
# Code owned by root, read-only to the service's user: the bundle and its code cache (which V8 runs
# as compiled code) cannot be rewritten by the process that runs them.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 8080
# Liveness for plain Docker; NAIS uses /health/live and /health/ready.
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Heap flags as in `npm start`: with a cap V8 sizes the heap to the live data rather than to the
# allocation rate (10 000 live lookups: ~225 MiB RSS instead of ~470). The young generation's
# semispaces at 16 MiB: at 4 MiB, lookups in flight (parsed documents) outlived the scavenges and
# were promoted, and GC took a quarter of a lookup's CPU; 16 MiB costs ~15 MiB of RSS.
# OPPSLAG_MAKS_MB must stay well below the cap.
# dist/start.mjs runs dist/stonadsoppslag.cjs (the service bundled into one file) from the V8 code
# cache the build made (src/start.mts): one file to read instead of hundreds of modules to resolve,
# and compiled code instead of source, which were most of the start-up time. The flags must stay
# npm start's: V8 refuses a cache made under other flags (a test compares this CMD with npm start).
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=16", "dist/start.mjs"]
