// Shapes the document @fastify/swagger builds from the zod schemas into one that independent
// tools read cleanly (issue 18): components without `$id`/`$schema` (Swagger UI resolved them as
// base URIs and failed on every reference) and without the `*Input` twins fastify-type-provider-zod
// makes; every problem answer as application/problem+json with its codes as examples; Nav-Call-Id
// on every answer; an example on every operation.
import { FEILKATALOG, problemBody, type Feilkode } from '../feil.js'
import { EKSEMPLER } from '../routes/eksempler.js'

type Json = Record<string, unknown>
const SKJEMA = '#/components/schemas/'

/** What any route can answer, whatever it does: a call id that looks like a personident, what
 *  Node's parser refuses (slow or oversized headers), load shedding, shutdown, the unexpected. */
const ALLE: Feilkode[] = [
  'UGYLDIG_CALL_ID',
  'TIDSAVBRUDD_FORESPORSEL',
  'FOR_STORE_HODER',
  'INTERN_FEIL',
  'OVERBELASTET',
  'AVSLUTTER',
]
/** What Fastify answers for a body before the route runs. */
const MED_BODY: Feilkode[] = ['UGYLDIG_FORESPORSEL', 'UGYLDIG_JSON', 'FOR_STOR_FORESPORSEL', 'FEIL_MEDIETYPE']
/** Problems sent with Retry-After (under-pressure, closing, both rate limits). */
const MED_RETRY_AFTER = new Set<Feilkode>(['OVERBELASTET', 'AVSLUTTER', 'FOR_MANGE_FORESPORSLER'])
/** For answers whose schema has no description of its own (@fastify/swagger's "Default Response"). */
const SVAR: Record<string, string> = { 200: 'OK', 201: 'Opprettet', 204: 'Utført, uten innhold' }
const EKSEMPEL_CALL_ID = 'b1946ac9-2f4e-4b1c-9a0d-3c5e7f9a1b2d'

const ref = (hvor: string, navn: string) => ({ $ref: `#/components/${hvor}/${navn}` })

function referanser(x: unknown, ut = new Set<string>()): Set<string> {
  if (Array.isArray(x)) for (const v of x) referanser(v, ut)
  else if (x !== null && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(SKJEMA)) ut.add(v.slice(SKJEMA.length))
      else referanser(v, ut)
    }
  }
  return ut
}

function byttReferanser<T>(x: T, navn: Map<string, string>): T {
  return JSON.parse(JSON.stringify(x), (k, v: unknown) =>
    k === '$ref' && typeof v === 'string' && v.startsWith(SKJEMA)
      ? SKJEMA + (navn.get(v.slice(SKJEMA.length)) ?? v.slice(SKJEMA.length))
      : v,
  ) as T
}

/** One component per schema, only those in use: an `XInput` is named X when X is not used as
 *  well or is the same; the zod ids' `$id` and `$schema` are dropped. */
function komponenter(dok: Json): void {
  const components = dok.components as { schemas?: Record<string, Json> }
  const alle = Object.fromEntries(
    Object.entries(components.schemas ?? {}).map(([n, { $id: _i, $schema: _s, ...s }]) => [n, s as Json]),
  )
  const brukt = new Set<string>()
  const ko = [...referanser(dok.paths)]
  while (ko.length > 0) {
    const n = ko.pop() as string
    if (brukt.has(n)) continue
    brukt.add(n)
    ko.push(...referanser(alle[n]))
  }
  const navn = new Map<string, string>()
  for (const n of brukt) if (n.endsWith('Input') && !brukt.has(n.slice(0, -5))) navn.set(n, n.slice(0, -5))
  for (const n of brukt) {
    const grunn = n.slice(0, -5)
    if (
      n.endsWith('Input') &&
      brukt.has(grunn) &&
      JSON.stringify(byttReferanser(alle[n], navn)) === JSON.stringify(byttReferanser(alle[grunn], navn))
    ) {
      navn.set(n, grunn)
    }
  }
  const schemas: Record<string, Json> = {}
  for (const n of [...brukt].sort()) schemas[navn.get(n) ?? n] ??= byttReferanser(alle[n] as Json, navn)
  components.schemas = schemas
  dok.paths = byttReferanser(dok.paths, navn)
}

function problemsvar(koder: Feilkode[]): Json {
  const headers: Json = { 'Nav-Call-Id': ref('headers', 'NavCallId') }
  if (koder.some((k) => MED_RETRY_AFTER.has(k))) headers['Retry-After'] = ref('headers', 'RetryAfter')
  if (koder.includes('UAUTENTISERT')) headers['WWW-Authenticate'] = ref('headers', 'WwwAuthenticate')
  return {
    description: [...new Set(koder.map((k) => FEILKATALOG[k].title))].join('; '),
    headers,
    content: {
      'application/problem+json': {
        schema: ref('schemas', 'Problem'),
        examples: Object.fromEntries(koder.map((k) => [k, ref('examples', k)])),
      },
    },
  }
}

/** Every operation: its problems (its own, `koder`, and those any route can give), Nav-Call-Id on
 *  every answer and as an optional request header, examples from routes/eksempler.ts. Returns
 *  the codes it can answer. */
function operasjon(op: Json, koder: readonly Feilkode[]): Feilkode[] {
  const id = op.operationId
  if (typeof id !== 'string' || typeof op.summary !== 'string')
    throw new Error(`operasjon uten operationId eller summary: ${String(id)}`)
  const eksempel = EKSEMPLER[id]
  if (!eksempel) throw new Error(`intet eksempel for ${id} i routes/eksempler.ts`)
  const body = op.requestBody as { content: Record<string, Json> } | undefined
  if (body) for (const m of Object.values(body.content)) m.example = eksempel.body
  const responses = op.responses as Record<string, Json>
  for (const [status, svar] of Object.entries(responses)) {
    if (svar.description === 'Default Response') svar.description = SVAR[status] ?? status
    svar.headers = { 'Nav-Call-Id': ref('headers', 'NavCallId'), ...(svar.headers as Json | undefined) }
    if (status.startsWith('2') && svar.content)
      for (const m of Object.values(svar.content as Record<string, Json>)) m.example = eksempel.svar
  }
  const alle = [...new Set([...koder, ...(body ? MED_BODY : []), ...ALLE])]
  const perStatus = new Map<number, Feilkode[]>()
  for (const k of alle) perStatus.set(FEILKATALOG[k].status, [...(perStatus.get(FEILKATALOG[k].status) ?? []), k])
  for (const [status, k] of perStatus) {
    const problem = problemsvar(k)
    const fra = responses[status]
    // /health/ready's own 503 (DOWN) shares its status with the problems any route can give.
    responses[status] = fra
      ? {
          description: `${String(fra.description)}; ${String(problem.description)}`,
          headers: { ...(fra.headers as Json), ...(problem.headers as Json) },
          content: { ...(fra.content as Json), ...(problem.content as Json) },
        }
      : problem
  }
  op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)))
  op.parameters = [...((op.parameters as unknown[] | undefined) ?? []), ref('parameters', 'NavCallId')]
  return alle
}

export function ryddDokument(dok: Json, koder: ReadonlyMap<string, readonly Feilkode[]>): Json {
  const brukte = new Set<Feilkode>()
  for (const sti of Object.values(dok.paths as Record<string, Record<string, Json>>)) {
    for (const op of Object.values(sti))
      for (const k of operasjon(op, koder.get(op.operationId as string) ?? [])) brukte.add(k)
  }
  // After the operations: they add the references to Problem.
  komponenter(dok)
  const components = dok.components as Json
  const callId = { type: 'string', maxLength: 100, pattern: '^[A-Za-z0-9._:-]{1,100}$' }
  components.parameters = {
    NavCallId: {
      name: 'Nav-Call-Id',
      in: 'header',
      required: false,
      schema: callId,
      example: EKSEMPEL_CALL_ID,
      description: 'Kallets id gjennom NAV; lages når den mangler. En som ligner en personident brukes aldri.',
    },
  }
  components.headers = {
    NavCallId: {
      description: 'Forespørselens Nav-Call-Id, eller den som ble laget',
      schema: callId,
      example: EKSEMPEL_CALL_ID,
    },
    RetryAfter: { description: 'Sekunder før et nytt forsøk', schema: { type: 'integer', minimum: 1 }, example: 5 },
    WwwAuthenticate: {
      description: 'RFC 6750: Bearer, med error="invalid_token" når et token var sendt',
      schema: { type: 'string' },
      example: 'Bearer error="invalid_token"',
    },
  }
  components.examples = Object.fromEntries(
    (Object.keys(FEILKATALOG) as Feilkode[])
      .filter((k) => brukte.has(k))
      .map((k) => [k, { summary: FEILKATALOG[k].title, value: problemBody(k, EKSEMPEL_CALL_ID) }]),
  )
  return dok
}
