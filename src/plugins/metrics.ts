// Prometheus metrics on /metrics (prom-client). Labels are route templates, status codes, upstream
// names, outcomes and rule codes only: never a personident, a NAVident or an oppslagId.
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { z } from 'zod'
import type { OppslagSesjoner } from '../oppslag/sesjoner.js'
import type { KildeMalinger } from '../sources/index.js'
import type { BryterTilstand } from '../sources/vern.js'

const BRYTER_VERDI: Record<BryterTilstand, number> = { lukket: 0, halvapen: 1, apen: 2 }

export interface Malinger extends KildeMalinger {
  registry: Registry
  beslutning(kode: string): void
  cache(utfall: 'treff' | 'bom'): void
  utkastet(): void
  auditCommit(sekunder: number, hendelser: number): void
}

export function lagMalinger(): Malinger {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const upstream = new Histogram({
    name: 'stonadsoppslag_upstream_sekunder', help: 'Kall til upstreams', labelNames: ['upstream', 'utfall'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  })
  const beslutninger = new Counter({ name: 'stonadsoppslag_tilgangsbeslutninger_total', help: 'Tilgangsbeslutninger per regel', labelNames: ['kode'], registers: [registry] })
  const cache = new Counter({ name: 'stonadsoppslag_cache_total', help: 'Lesinger fra mellomlageret', labelNames: ['utfall'], registers: [registry] })
  const utkastet = new Counter({ name: 'stonadsoppslag_cache_utkastet_total', help: 'Oppslag fjernet for å holde grensene', registers: [registry] })
  const bryter = new Gauge({
    name: 'stonadsoppslag_bryter_tilstand', help: 'Kretsbryter per upstream og kommune: 0 lukket, 1 halvåpen, 2 åpen',
    labelNames: ['upstream', 'kommunenummer'], registers: [registry],
  })
  const delt = new Counter({
    name: 'stonadsoppslag_upstream_delte_kall_total', help: 'Kall som fikk svaret fra et likt kall underveis', labelNames: ['upstream'], registers: [registry],
  })
  const auditCommit = new Histogram({
    name: 'stonadsoppslag_audit_skriv_sekunder', help: 'Tid til audit-hendelser er lagret varig',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry],
  })
  // A counter, not a histogram of events per write: that number follows from the route (one per
  // category read), and a second histogram per request was a visible part of a cached read.
  const auditHendelser = new Counter({ name: 'stonadsoppslag_audit_hendelser_total', help: 'Audit-hendelser lagret', registers: [registry] })
  return {
    registry,
    upstream: (navn, utfall, s) => upstream.observe({ upstream: navn, utfall }, s),
    // A municipality number is public, not personal data.
    bryter: (navn, kommunenummer, tilstand) => bryter.set({ upstream: navn, kommunenummer: kommunenummer ?? '' }, BRYTER_VERDI[tilstand]),
    delt: (navn) => delt.inc({ upstream: navn }),
    beslutning: (kode) => beslutninger.inc({ kode }),
    cache: (utfall) => cache.inc({ utfall }),
    utkastet: () => utkastet.inc(),
    auditCommit: (s, n) => {
      auditCommit.observe(s)
      auditHendelser.inc(n)
    },
  }
}

export default fp<{ malinger: Malinger; sesjoner: OppslagSesjoner }>(
  async (app, { malinger, sesjoner }) => {
    const { registry } = malinger
    const http = new Histogram({
      name: 'stonadsoppslag_http_sekunder', help: 'HTTP-forespørsler per rute og status', labelNames: ['metode', 'rute', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3], registers: [registry],
    })
    new Gauge({ name: 'stonadsoppslag_oppslag_aktive', help: 'Levende oppslag', registers: [registry], collect() { this.set(sesjoner.antall) } })
    new Gauge({ name: 'stonadsoppslag_cache_bytes', help: 'Mellomlagrede data, bytes', registers: [registry], collect() { this.set(sesjoner.bytes) } })

    // The route template (`/api/v1/oppslag/:oppslagId`), never the URL with its ids. Each route
    // gets a hook with its template bound when it is registered: request.routeOptions builds a
    // new object on every access, which showed on the hot path.
    const maling = (rute: string) => (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      http.observe({ metode: request.method, rute, status: String(reply.statusCode) }, reply.elapsedTime / 1000)
      done()
    }
    app.addHook('onRoute', (rute) => {
      const hooks = rute.onResponse
      rute.onResponse = [...(hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]), maling(rute.url)]
    })
    const ukjent = maling('ukjent')
    app.addHook('onResponse', (request, reply, done) => {
      if (request.is404) ukjent(request, reply, done)
      else done()
    })
    app.get('/metrics', {
      schema: {
        operationId: 'metrics', summary: 'Prometheus-målinger', description: 'Etiketter er rutemaler, statuser og kilder, aldri personidenter.', tags: ['drift'], security: [],
        produces: ['text/plain; version=0.0.4'],
        response: { 200: z.string().describe('Prometheus text format') },
      },
    }, async (_request, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics())
    })
  },
  { name: 'metrics', fastify: '5.x' },
)
