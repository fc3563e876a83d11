// Maps every error to a problem+json from the catalogue. Nothing of an error's message or stack
// reaches the client; unexpected errors are logged (our own errors carry no personal data).
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { AuditFeil } from '../audit/port.js'
import { lignerPersonident } from '../domain/model.js'
import { FEILKATALOG, Problem, problemBody, type Feilkode } from '../feil.js'
import { RegisterFeil } from '../sources/ports.js'
import { FASTE_HODER, fasteHoder } from './call-id.js'

export function sendProblem(reply: FastifyReply, kode: Feilkode): FastifyReply {
  const body = problemBody(kode, reply.request.id)
  // Also when sent before the call-id hook ran (closing, framework errors).
  fasteHoder(reply)
  // RFC 6750 §3: the scheme to use, and whether the token that was sent is what failed.
  if (body.status === 401)
    reply.header('WWW-Authenticate', harBearer(reply.request) ? 'Bearer error="invalid_token"' : 'Bearer')
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body)
}

/** A bearer token was sent (a well-formed one or not). */
function harBearer(request: FastifyRequest): boolean {
  const h = request.headers.authorization
  return typeof h === 'string' && /^bearer /i.test(h)
}

/** Fastify's frameworkErrors: a path that cannot be decoded or a parameter over the length limit.
 *  Fastify's own answer repeats the path (a personident in it included), outside the catalogue. */
export function rammefeil(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendProblem(reply, 'UGYLDIG_FORESPORSEL')
    return
  }
  request.log.error({ kode: err.code }, 'uventet rammeverksfeil')
  void sendProblem(reply, 'INTERN_FEIL')
}

const KLIENTFEIL: Record<string, Feilkode> = {
  HPE_HEADER_OVERFLOW: 'FOR_STORE_HODER',
  ERR_HTTP_REQUEST_TIMEOUT: 'TIDSAVBRUDD_FORESPORSEL',
}

/** Fastify's clientErrorHandler: what Node's HTTP parser refuses before there is a request (headers
 *  too large, a malformed request, headers too slow) answered as a problem like every other error,
 *  under a fresh call id (the request's was never read). The error is logged by its code only:
 *  it carries the raw bytes received, which may hold anything. */
export function klientfeil(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const kode = (err.code !== undefined ? KLIENTFEIL[err.code] : undefined) ?? 'UGYLDIG_FORESPORSEL'
  const callId = randomUUID()
  this.log.debug({ callId, kode, feil: err.code }, 'klientfeil')
  const body = JSON.stringify(problemBody(kode, callId))
  const hoder = {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'nav-call-id': callId,
    ...FASTE_HODER,
    connection: 'close',
  }
  const status = FEILKATALOG[kode].status
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${Object.entries(hoder)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n${body}`,
    )
  } else socket.destroy()
}

const FASTIFY_KODER: Record<string, Feilkode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'FEIL_MEDIETYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'UGYLDIG_FORESPORSEL',
  FST_ERR_CTP_BODY_TOO_LARGE: 'FOR_STOR_FORESPORSEL',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'UGYLDIG_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'UGYLDIG_JSON',
  FST_ERR_VALIDATION: 'UGYLDIG_FORESPORSEL',
}

function kodeFor(err: FastifyError, request: FastifyRequest): Feilkode {
  if (err instanceof Problem) return err.kode
  if (err instanceof AuditFeil) return 'AUDIT_UTILGJENGELIG'
  if (err instanceof RegisterFeil) return 'REGISTER_UTILGJENGELIG'
  if (hasZodFastifySchemaValidationErrors(err)) {
    const ctx = err.validationContext
    if (ctx === 'params') {
      const stier = err.validation.map((v) => v.instancePath)
      if (stier.some((s) => s.includes('kategori'))) return 'UKJENT_KATEGORI'
      return 'UGYLDIG_OPPSLAG_ID'
    }
    // A personident given as the henvendelse: said plainly, so the client fixes the field.
    const henvendelseId = (request.body as { henvendelseId?: unknown } | undefined)?.henvendelseId
    if (ctx === 'body' && typeof henvendelseId === 'string' && lignerPersonident(henvendelseId))
      return 'UGYLDIG_HENVENDELSE_ID'
    return 'UGYLDIG_FORESPORSEL'
  }
  const kjent = err.code ? FASTIFY_KODER[err.code] : undefined
  if (kjent) return kjent
  // Fastify reports bad JSON, sizes and media types by code (above); a 400 on a JSON body from
  // anything else is still bad JSON to the client.
  if (err.statusCode === 400 && request.headers['content-type']?.includes('json')) return 'UGYLDIG_JSON'
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return 'UGYLDIG_FORESPORSEL'
  return 'INTERN_FEIL'
}

export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const kode = kodeFor(err, request)
      if (kode === 'INTERN_FEIL') request.log.error({ err }, 'uventet feil')
      else if (FEILKATALOG[kode].status === 503) {
        // Every refusal for want of a dependency, with what failed underneath (our own error texts
        // and driver messages: no request data).
        const under = err.cause instanceof Error ? err.cause : err
        request.log.warn({ kode, feil: under.name, arsak: under.message }, 'avvist: avhengighet utilgjengelig')
      }
      return sendProblem(reply, kode)
    })
    app.setNotFoundHandler((_request, reply) => sendProblem(reply, 'IKKE_FUNNET'))
  },
  { name: 'problem', fastify: '5.x' },
)
