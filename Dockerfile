# syntax=docker/dockerfile:1
# Build: compile TypeScript and bundle; run: only what production needs. No native build:
# the SQLite store uses Node's own node:sqlite.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build \
 && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    AUDIT_STORE=sqlite:/data/audit.db
WORKDIR /app
# Code owned by root, read-only to the service's user.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
# Liveness for plain Docker; NAIS uses /health/live and /health/ready.
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Heap flags as in `npm start`: with a cap V8 sizes the heap to the live data rather than to the
# allocation rate (10 000 live lookups: ~225 MiB RSS instead of ~470). The young generation's
# semispaces at 16 MiB: at 4 MiB, lookups in flight (parsed documents) outlived the scavenges and
# were promoted, and GC took a quarter of a lookup's CPU; 16 MiB costs ~15 MiB of RSS.
# OPPSLAG_MAKS_MB must stay well below the cap. dist/stonadsoppslag.mjs is the service bundled
# into one file (scripts/bundle.ts). A test compares this CMD with npm start.
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=16", "dist/stonadsoppslag.mjs"]
