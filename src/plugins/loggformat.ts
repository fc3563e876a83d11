// The application log in NAV's shape: the JSON that navikt's logback/logstash encoder writes and
// NAIS's log pipeline and the teams' Loki queries expect (`message`, a text `level`, ISO
// `@timestamp`, `stack_trace`), with the call id as `x_call_id` and the caller's W3C trace context
// as `trace_id`/`span_id`. The CEF audit copy is not this log (src/audit/cef.ts).
import type { IncomingMessage } from 'node:http'
import type { Bindings, DestinationStream, LoggerOptions } from 'pino'

/** The log field of the request's Nav-Call-Id (Fastify's requestIdLogLabel). */
export const CALL_ID_FELT = 'x_call_id'

/** Causes followed into a stack trace; a cycle or a very deep chain stops here. */
const MAKS_ARSAKER = 5

/** The error's stack with its causes, as a JVM prints them. */
export function stackTrace(feil: Error): string {
  let tekst = feil.stack ?? `${feil.name}: ${feil.message}`
  let arsak: unknown = feil.cause
  for (let n = 0; arsak instanceof Error && n < MAKS_ARSAKER; n++) {
    tekst += `\nCaused by: ${arsak.stack ?? `${arsak.name}: ${arsak.message}`}`
    arsak = arsak.cause
  }
  return tekst
}

let sekund = Number.NaN
let prefiks = ''

/** `ms` as toISOString writes it. The date and time up to the second are made once a second:
 *  toISOString on every line cost more than the rest of the line. */
export function isoTid(ms: number): string {
  const s = Math.floor(ms / 1000)
  if (s !== sekund) {
    sekund = s
    prefiks = new Date(s * 1000).toISOString().slice(0, 20)
  }
  const rest = ms - s * 1000
  return `${prefiks}${rest < 10 ? '00' : rest < 100 ? '0' : ''}${rest}Z`
}

/** pino's options for the shape: no pid or hostname (the pod is a label of every line in NAIS). */
export const LOGGFORMAT = {
  messageKey: 'message',
  base: null,
  timestamp: () => `,"@timestamp":"${isoTid(Date.now())}"`,
  formatters: {
    level: (etikett: string) => ({ level: etikett.toUpperCase() }),
    // `{ err }` as logged by us and by Fastify: the trace as one string field, as logstash's. A
    // line without one passes untouched (a copy per line cost more than the rest of the line).
    log: (objekt: Record<string, unknown>) => {
      if (!(objekt.err instanceof Error)) return objekt
      const { err, ...resten } = objekt as { err: Error }
      return { ...resten, error_type: err.name, stack_trace: stackTrace(err) }
    },
  },
} satisfies LoggerOptions

// version-traceid-parentid-flags (W3C Trace Context §3.2); all-zero ids are invalid there.
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/

/** The request's bindings with the caller's trace and span id, when it sent a valid traceparent. */
export function medSporing(bindinger: Bindings, req: IncomingMessage | undefined): Bindings {
  const h = req?.headers.traceparent
  const m = typeof h === 'string' ? TRACEPARENT.exec(h.trim()) : null
  if (!m || /^0+$/.test(m[1] as string) || /^0+$/.test(m[2] as string)) return bindinger
  return { ...bindinger, trace_id: m[1], span_id: m[2] }
}

/** Development at a terminal only: pino-pretty (a devDependency) renders the lines for a person.
 *  Production, tests and piped output get the JSON above and never load it. */
export async function utviklingsStrom(nodeEnv: string, terminal: boolean): Promise<DestinationStream | null> {
  if (nodeEnv !== 'development' || !terminal) return null
  const { default: pretty } = await import('pino-pretty')
  return pretty({
    messageKey: LOGGFORMAT.messageKey,
    timestampKey: '@timestamp',
    translateTime: 'SYS:HH:MM:ss.l',
    customLevels: 'TRACE:10,DEBUG:20,INFO:30,WARN:40,ERROR:50,FATAL:60',
    useOnlyCustomProps: false,
    errorLikeObjectKeys: [],
  })
}
