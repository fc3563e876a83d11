// buildApp(config, deps): the whole service as a Fastify instance that does not listen. Each
// resource is a plugin that opens it, decorates the instance and closes it in its own onClose;
// onClose runs in reverse order of registration, so the audit store, registered first, closes last.
import { hostname } from 'node:os'
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify'
import type { DestinationStream } from 'pino'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import type { AuditStore } from './audit/port.js'
import type { Config } from './config.js'
import auditLager from './plugins/audit-lager.js'
import auth from './plugins/auth.js'
import avslutning from './plugins/avslutning.js'
import { latBarnelogger } from './plugins/barnelogger.js'
import type { Grunnlag } from './plugins/grunnlag.js'
import kildePlugin from './plugins/kilder.js'
import { CALL_ID_FELT, LOGGFORMAT } from './plugins/loggformat.js'
import callId, { callIdFra } from './plugins/call-id.js'
import openapi from './plugins/openapi.js'
import metrics, { lagMalinger } from './plugins/metrics.js'
import oppslagTjeneste from './plugins/oppslag-tjeneste.js'
import problem, { klientfeil, rammefeil, sendProblem } from './plugins/problem.js'
import retensjon from './plugins/retensjon.js'
import sesjonslager from './plugins/sesjonslager.js'
import sveip from './plugins/sveip.js'
import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure'
import { auditRoutes } from './routes/audit.js'
import { healthRoutes } from './routes/health.js'
import { kommunerRoutes } from './routes/kommuner.js'
import { oppslagRoutes } from './routes/oppslag.js'
import type { Kilder } from './sources/index.js'

export interface Avhengigheter {
  kilder?: Kilder
  audit?: AuditStore
  /** Clock for sessions, case age, caches, breakers and tokens; tests move it. */
  na?: () => number
  /** Serve interactive API docs (development). */
  dokumentasjon?: boolean
  /** Where log lines go (default stdout); tests read them. */
  logStrom?: DestinationStream
}

/** Log redaction of what could be personal data in our own log objects (request lines carry only
 *  method and route, see the req serializer; headers are never logged). */
export const LOGG_SKJULT = ['*.personident', '*.fnr', '*.kontonummer', '*.adresse']

function fastifyValg(config: Config, deps: Avhengigheter) {
  return {
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
    logController: new LogController({
      requestIdLogLabel: CALL_ID_FELT,
      disableRequestLogging: !config.loggForesporsler,
    }),
    bodyLimit: 16 * 1024,
    // A HEAD on a read would fetch, audit a Permit and send nothing: no route answers HEAD.
    exposeHeadRoutes: false,
    // Our own 503 while closing (plugins/avslutning.ts): Fastify's is plain JSON, outside the error catalogue.
    return503OnClosing: false,
    // The same for what Node's parser or Fastify's router refuse before any hook runs.
    clientErrorHandler: klientfeil,
    frameworkErrors: rammefeil,
    forceCloseConnections: 'idle' as const,
    routerOptions: { ignoreTrailingSlash: true },
  }
}

/** Load shedding past the event-loop delay bound, with the same problem+json as every other error. */
function overbelastning(config: Config): FastifyUnderPressureOptions {
  return {
    maxEventLoopDelay: config.belastningMaksEventLoopMs,
    retryAfter: 5,
    pressureHandler: (_request, reply) => {
      void sendProblem(reply.header('Retry-After', '5'), 'OVERBELASTET')
    },
  }
}

export async function buildApp(config: Config, deps: Avhengigheter = {}): Promise<FastifyInstance> {
  const app = Fastify(fastifyValg(config, deps)).withTypeProvider<ZodTypeProvider>()
  // JSON only: Fastify's default text/plain parser would let a bare string through to validation.
  app.removeContentTypeParser('text/plain')
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  const na = deps.na ?? Date.now
  const malinger = lagMalinger()
  const grunnlag: Grunnlag = { config, na, instans: `${hostname()}:${process.pid}`, malinger }
  await app.register(auditLager, { ...grunnlag, ...(deps.audit ? { lager: deps.audit } : {}) })
  await app.register(kildePlugin, { ...grunnlag, ...(deps.kilder ? { kilder: deps.kilder } : {}) })
  await app.register(sesjonslager, grunnlag)
  await app.register(sveip)
  await app.register(oppslagTjeneste, grunnlag)
  await app.register(problem)
  await app.register(avslutning)
  await app.register(retensjon, grunnlag)
  await app.register(callId)
  // Before every route (/metrics included): swagger collects them as they are added.
  await app.register(openapi, { ui: deps.dokumentasjon ?? false, dokument: config.nodeEnv !== 'production' })
  await app.register(metrics, { malinger, sesjoner: app.oppslagSesjoner })
  await app.register(underPressure, overbelastning(config))
  // Only a clock a test injects: with one, every verification builds its own verifier.
  await app.register(auth, { ...config.auth, ...(deps.na ? { na: deps.na } : {}) })
  const { audit, kilder, delteSesjoner: delte } = app
  await app.register(healthRoutes, {
    klar: [() => audit.klar(), ...(delte ? [() => delte.klar()] : [])],
    personregisterNar: () => kilder.personregisterNar(),
  })
  await app.register(oppslagRoutes, {
    prefix: '/api/v1',
    oppslag: app.oppslag,
    rateLimitPerMinutt: config.rateLimitPerMinutt,
    startGrense: app.startGrense,
  })
  await app.register(kommunerRoutes, {
    prefix: '/api/v1',
    nksGruppe: config.grupper.nks,
    kommuneliste: app.kommuneliste,
  })
  await app.register(auditRoutes, {
    prefix: '/api/v1',
    audit,
    grupper: config.grupper,
    instans: grunnlag.instans,
    nokkel: config.audit.nokkel,
    avvik: config.audit.avvik,
    na,
    personer: kilder.personer,
    tilgangFristMs: config.tilgangFristMs,
  })
  return app
}
