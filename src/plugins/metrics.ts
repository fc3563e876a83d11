// Prometheus metrics on /metrics (prom-client). Labels are route templates, status codes, upstream
// names, outcomes and rule codes only: never a personident, a NAVident or an oppslagId. Names follow
// Prometheus's conventions (base units: `_seconds`, `_bytes`; English names and labels). The
// request histogram has Micrometer's name (http_server_requests_seconds), but its template label
// is `route` where Micrometer's is `uri` (and it has no `outcome`): a JVM dashboard's query finds
// the series, and one grouping by `uri` must group by `route` here.
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { z } from 'zod'
import type { OppslagSesjoner } from '../oppslag/sesjoner.js'
import type { KildeMalinger } from '../sources/index.js'
import type { BryterTilstand } from '../sources/vern.js'

const BRYTER_NAVN: Record<Exclude<BryterTilstand, 'lukket'>, string> = { halvapen: 'half_open', apen: 'open' }

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
    name: 'stonadsoppslag_upstream_request_duration_seconds',
    help: 'Calls to the upstreams, by upstream and outcome (status code or fault)',
    labelNames: ['upstream', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  const beslutninger = new Counter({
    name: 'stonadsoppslag_access_decisions_total',
    help: 'Access decisions, by rule code',
    labelNames: ['code'],
    registers: [registry],
  })
  const cache = new Counter({
    name: 'stonadsoppslag_cache_reads_total',
    help: 'Reads from the lookup cache, hit or miss',
    labelNames: ['result'],
    registers: [registry],
  })
  const utkastet = new Counter({
    name: 'stonadsoppslag_cache_evictions_total',
    help: 'Lookups evicted to keep the cache within its bounds',
    registers: [registry],
  })
  // How many breakers per upstream are half-open or open, never which municipality's: a series per
  // municipality appeared with the first lookup that touched it, and so told anyone reading
  // /metrics where a kode 6 person has cases (DESIGN §4). The answer's kilder say which is down.
  const brytere = new Map<string, { upstream: string; tilstand: BryterTilstand }>()
  const upstreams = new Set<string>()
  new Gauge({
    name: 'stonadsoppslag_circuit_breakers',
    help: 'Circuit breakers not closed, by upstream and state (half_open, open)',
    labelNames: ['upstream', 'state'],
    registers: [registry],
    collect() {
      this.reset()
      for (const upstream of upstreams) for (const state of Object.values(BRYTER_NAVN)) this.set({ upstream, state }, 0)
      for (const { upstream, tilstand } of brytere.values())
        if (tilstand !== 'lukket') this.inc({ upstream, state: BRYTER_NAVN[tilstand] })
    },
  })
  const delt = new Counter({
    name: 'stonadsoppslag_upstream_shared_calls_total',
    help: 'Calls answered by an identical call already in flight',
    labelNames: ['upstream'],
    registers: [registry],
  })
  const auditCommit = new Histogram({
    name: 'stonadsoppslag_audit_write_duration_seconds',
    help: 'Time until audit events are durably stored',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  })
  // A counter, not a histogram of events per write: that number follows from the route (one per
  // category read), and a second histogram per request was a visible part of a cached read.
  const auditHendelser = new Counter({
    name: 'stonadsoppslag_audit_events_total',
    help: 'Audit events stored',
    registers: [registry],
  })
  return {
    registry,
    upstream: (navn, utfall, s) => upstream.observe({ upstream: navn, outcome: utfall }, s),
    bryter: (navn, kommunenummer, tilstand) => {
      upstreams.add(navn)
      const nokkel = `${navn}:${kommunenummer ?? ''}`
      if (tilstand === 'lukket') brytere.delete(nokkel)
      else brytere.set(nokkel, { upstream: navn, tilstand })
    },
    delt: (navn) => delt.inc({ upstream: navn }),
    beslutning: (kode) => beslutninger.inc({ code: kode }),
    cache: (utfall) => cache.inc({ result: utfall === 'treff' ? 'hit' : 'miss' }),
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
      name: 'http_server_requests_seconds',
      help: 'HTTP requests, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
      registers: [registry],
    })
    new Gauge({
      name: 'stonadsoppslag_lookups_active',
      help: 'Live lookups',
      registers: [registry],
      collect() {
        this.set(sesjoner.antall)
      },
    })
    new Gauge({
      name: 'stonadsoppslag_cache_bytes',
      help: 'Cached lookup data',
      registers: [registry],
      collect() {
        this.set(sesjoner.bytes)
      },
    })

    // The route template (`/api/v1/oppslag/:oppslagId`), never the URL with its ids. Each route
    // gets a hook with its template bound when it is registered: request.routeOptions builds a
    // new object on every access, which showed on the hot path.
    const maling = (rute: string) => (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      http.observe({ method: request.method, route: rute, status: String(reply.statusCode) }, reply.elapsedTime / 1000)
      done()
    }
    app.addHook('onRoute', (rute) => {
      const hooks = rute.onResponse
      rute.onResponse = [...(hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]), maling(rute.url)]
    })
    const ukjent = maling('unknown')
    app.addHook('onResponse', (request, reply, done) => {
      if (request.is404) ukjent(request, reply, done)
      else done()
    })
    app.get(
      '/metrics',
      {
        schema: {
          operationId: 'metrics',
          summary: 'Prometheus-målinger',
          description: 'Etiketter er rutemaler, statuser og kilder, aldri personidenter.',
          tags: ['drift'],
          security: [],
          produces: ['text/plain; version=0.0.4'],
          response: { 200: z.string().describe('Prometheus text format') },
        },
      },
      async (_request, reply) => {
        return reply.type(registry.contentType).send(await registry.metrics())
      },
    )
  },
  { name: 'metrics', fastify: '5.x' },
)
