// Maps every error to a problem+json from the catalogue. Nothing of an error's message or stack
// reaches the client; unexpected errors are logged (our own errors carry no personal data).
import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { AuditFeil } from '../audit/port.js'
import { FEILKATALOG, Problem, problemBody, type Feilkode } from '../feil.js'
import { RegisterFeil } from '../sources/ports.js'

export function sendProblem(reply: FastifyReply, kode: Feilkode): FastifyReply {
  const body = problemBody(kode, reply.request.id)
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body)
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
