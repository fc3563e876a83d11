// buildApp(config, deps): the whole service as a Fastify instance that does not listen.
import { hostname } from 'node:os'
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify'
import type { DestinationStream } from 'pino'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import type { AuditStore } from './audit/port.js'
import { lagCefSink } from './audit/cef.js'
import { apneAuditStore } from './audit/index.js'
import { medCef } from './audit/logg.js'
import type { Config } from './config.js'
import { OppslagService } from './oppslag/service.js'
import { OppslagSesjoner } from './oppslag/sesjoner.js'
import { lagStartGrense } from './oppslag/startgrense.js'
import auth from './plugins/auth.js'
import { latBarnelogger } from './plugins/barnelogger.js'
import { CALL_ID_FELT, LOGGFORMAT } from './plugins/loggformat.js'
import callId, { callIdFra } from './plugins/call-id.js'
import openapi from './plugins/openapi.js'
import metrics, { lagMalinger } from './plugins/metrics.js'
import problem, { klientfeil, rammefeil, sendProblem } from './plugins/problem.js'
import underPressure from '@fastify/under-pressure'
import { auditRoutes } from './routes/audit.js'
import { healthRoutes } from './routes/health.js'
import { kommunerRoutes } from './routes/kommuner.js'
import { oppslagRoutes } from './routes/oppslag.js'
import { byggKilder, type Kilder } from './sources/index.js'
import { KommunelisteCache } from './sources/kommuneliste.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The live lookup sessions (metrics and the benchmark read their size). */
    oppslagSesjoner: OppslagSesjoner
  }
}

export interface Avhengigheter {
  kilder?: Kilder
  audit?: AuditStore
  /** Clock for sessions and case age; tests move it. */
  na?: () => number
  /** Serve interactive API docs (development). */
  dokumentasjon?: boolean
  /** Where log lines go (default stdout); tests read them. */
  logStrom?: DestinationStream
}

/** Log redaction of what could be personal data in our own log objects (request lines carry only
 *  method and route, see the req serializer; headers are never logged). */
export const LOGG_SKJULT = [
  '*.personident',
  '*.fnr',
  '*.kontonummer',
  '*.adresse',
]

export async function buildApp(config: Config, deps: Avhengigheter = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      ...LOGGFORMAT,
      level: config.logLevel,
      ...(deps.logStrom ? { stream: deps.logStrom } : {}),
      redact: { paths: LOGG_SKJULT, censor: '[skjult]' },
      // Method and route template only (`/api/v1/oppslag/:oppslagId`): our URLs carry no personal
      // data, but a client can put anything in a path or query string — a personident included.
      // An unmatched path is not logged at all: hiding digits missed a percent-encoded ident.
      // (x_call_id comes from the LogController label.)
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: req.routeOptions.url ?? '(ingen rute)',
        }),
      },
    },
    genReqId: callIdFra,
    childLoggerFactory: latBarnelogger,
    logController: new LogController({ requestIdLogLabel: CALL_ID_FELT, disableRequestLogging: !config.loggForesporsler }),
    bodyLimit: 16 * 1024,
    // A HEAD on a read would fetch, audit a Permit and send nothing: no route answers HEAD.
    exposeHeadRoutes: false,
    // Our own 503 while closing (below): Fastify's is plain JSON, outside the error catalogue.
    return503OnClosing: false,
    // The same for what Node's parser or Fastify's router refuse before any hook runs.
    clientErrorHandler: klientfeil,
    frameworkErrors: rammefeil,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>()
  // JSON only: Fastify's default text/plain parser would let a bare string through to validation.
  app.removeContentTypeParser('text/plain')
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  const na = deps.na ?? Date.now
  const malinger = lagMalinger()
  const kilder = deps.kilder ?? byggKilder(config, malinger, deps.na)
  const instans = `${hostname()}:${process.pid}`
  const audit = medCef(
    deps.audit ?? (await apneAuditStore(config.auditStore, {
      instans, nokkel: config.audit.nokkel, skrivefristMs: config.audit.skrivefristMs, migrerUnoklet: config.audit.migrerUnoklet,
    })),
    lagCefSink(config.audit.cef, app.log),
    malinger.auditCommit,
    { skrivefristMs: config.audit.skrivefristMs, instans },
  )
  const sesjoner = new OppslagSesjoner({
    idleTtlMs: config.oppslag.idleTtlS * 1000,
    maxTtlMs: config.oppslag.maxTtlS * 1000,
    maksAntall: config.oppslag.maksAntall,
    maksBytes: config.oppslag.maksBytes,
    na,
    vedUtkastelse: malinger.utkastet,
  })
  // Several replicas: lookups' metadata in PostgreSQL; an end on any replica drops the data here.
  const delte = config.sesjonStore
    ? await (await import('./oppslag/delte.js')).PostgresSesjonLager.apne(config.sesjonStore, {
        idleMs: config.oppslag.idleTtlS * 1000,
        instans,
        na,
        vedFeil: (e) => app.log.warn({ feil: e.message }, 'delt oppslagslager: forbindelsen feilet'),
      })
    : null
  await delte?.lytt({ avsluttet: (hash) => sesjoner.avsluttHash(hash), tapt: () => sesjoner.tom() })
  // After the shared store: its schema exists by now.
  const startGrense = await lagStartGrense({ perMinutt: config.oppslagStartPerMinutt, delt: config.sesjonStore, instans })
  // Every municipality's KommuneInfo: GET /api/v1/kommuner, and the lookups' NKS gate when a
  // municipality's own KommuneInfo cannot be read.
  const kommuneliste = new KommunelisteCache(kilder.fiks, { ttlMs: config.kommunelisteCacheMs, na, tidsfristMs: config.oppslagFristMs })
  const oppslag = new OppslagService({
    ...kilder,
    kommuneliste,
    audit,
    sesjoner,
    delte,
    grupper: config.grupper,
    instans,
    sakMaksAlderManeder: config.oppslag.sakMaksAlderManeder,
    fristMs: config.oppslagFristMs,
    tilgangFristMs: config.tilgangFristMs,
    maksSamtidigeKommuner: config.maksSamtidigeKommuner,
    maksSaker: config.maksSaker,
    maksSamtidigeDokumenter: config.maksSamtidigeDokumenter,
    na,
    beslutning: malinger.beslutning,
    cacheUtfall: malinger.cache,
    statistikk: (hendelse, antall) => app.log.info({ hendelse, antall }, 'upstream-data hoppet over'),
  })
  app.decorate('oppslagSesjoner', sesjoner)
  // Expired lookups leave memory within seconds; the shared store's rows are swept less often.
  const sveip = setInterval(() => sesjoner.feiUtlopte(), 5_000).unref()
  const sveipDelte = delte
    ? setInterval(() => {
        delte.fei().catch((e: Error) => app.log.warn({ feil: e.message }, 'delt oppslagslager: opprydding feilet'))
      }, 30_000).unref()
    : undefined
  // Retention: every replica may run it; a second run finds nothing to delete.
  const retensjon = async () => {
    try {
      const grense = new Date(na() - config.audit.retensjonDager * 86_400_000).toISOString()
      const slettet = await audit.slettFor(grense)
      if (slettet > 0) app.log.info({ slettet }, 'audit: retensjon')
    } catch (err) {
      // Cut short by shutdown (the store closed between slices) is no fault: the next run goes on.
      if (stenger) app.log.info('audit: retensjon avbrutt av avslutning')
      else app.log.error({ err }, 'audit: retensjon feilet')
    }
  }
  const retensjonstimer = setInterval(() => void retensjon(), 6 * 3_600_000).unref()
  // The chain's head to the CEF stream, outside the database (and once more as the store closes).
  const hodetimer = setInterval(() => {
    audit.sendHode().catch((err: Error) => app.log.warn({ feil: err.message }, 'audit: kjedehodet kunne ikke sendes'))
  }, config.audit.hodeIntervallMs).unref()
  app.addHook('onReady', async () => {
    void retensjon()
    // Allowed (DESIGN §7), but then no head leaves the database and a cut tail goes unseen.
    if (config.nodeEnv === 'production' && config.audit.cef === 'av') app.log.warn('audit: AUDIT_CEF=av: kjedehodet sendes ingen steder, en slettet hale kan ikke oppdages')
  })

  // Shutting down under load: every response from now on ends its keep-alive connection, so that
  // busy clients do not hold the server open past its grace time.
  let stenger = false
  app.addHook('preClose', async () => {
    stenger = true
  })
  // Requests that arrive once closing has begun are turned away with a problem+json from the
  // catalogue, and their connection ends. Callback hooks: no promise per request on the hot path.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!stenger) return done()
    void sendProblem(reply.header('connection', 'close').header('Retry-After', '1'), 'AVSLUTTER')
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (stenger) reply.header('connection', 'close')
    done(null, payload)
  })

  app.addHook('onClose', async () => {
    clearInterval(sveip)
    clearInterval(sveipDelte)
    clearInterval(retensjonstimer)
    clearInterval(hodetimer)
    sesjoner.tom()
    await kilder.lukk()
    await delte?.lukk()
    await startGrense.lukk()
    await audit.lukk()
  })

  await app.register(problem)
  await app.register(callId)
  // Before every route (/metrics included): swagger collects them as they are added.
  await app.register(openapi, { ui: deps.dokumentasjon ?? false, dokument: config.nodeEnv !== 'production' })
  await app.register(metrics, { malinger, sesjoner })
  await app.register(underPressure, {
    maxEventLoopDelay: config.belastningMaksEventLoopMs,
    retryAfter: 5,
    // Shed load with the same problem+json as every other error.
    pressureHandler: (_request, reply) => {
      void sendProblem(reply.header('Retry-After', '5'), 'OVERBELASTET')
    },
  })
  await app.register(auth, {
    issuer: config.auth.issuer,
    jwksUri: config.auth.jwksUri,
    audience: config.auth.audience,
    ...(deps.na ? { na: deps.na } : {}),
  })
  await app.register(healthRoutes, {
    klar: [() => audit.klar(), ...(delte ? [() => delte.klar()] : [])],
    personregisterNar: () => kilder.personregisterNar(),
  })
  await app.register(oppslagRoutes, { prefix: '/api/v1', oppslag, rateLimitPerMinutt: config.rateLimitPerMinutt, startGrense })
  await app.register(kommunerRoutes, { prefix: '/api/v1', nksGruppe: config.grupper.nks, kommuneliste })
  await app.register(auditRoutes, {
    prefix: '/api/v1',
    audit,
    grupper: config.grupper,
    instans,
    nokkel: config.audit.nokkel,
    avvik: config.audit.avvik,
    na,
    personer: kilder.personer,
    tilgangFristMs: config.tilgangFristMs,
  })
  return app
}
