// One keep-alive undici agent per upstream with explicit timeouts. Adapters get the parsed JSON
// body and status, or an HttpFeil that says what kind of fault it was (never the upstream's body:
// an error text from an upstream may carry personal data and must not reach a client or a log).
import { setTimeout as vent } from 'node:timers/promises'
import { Agent, type Dispatcher } from 'undici'
import type { Tidsavbrudd } from '../config.js'
import { KildeFeil, RegisterFeil } from './ports.js'

/** UGYLDIG_STI: a path we refuse to send (a dot segment from an upstream's id); FOR_STORT: an
 *  answer over its bound; OVERBELASTET: the bytes in flight across all calls at their bound. None
 *  of these three is retried. */
export type HttpFeilArsak = 'NETTVERK' | 'TIDSAVBRUDD' | 'UGYLDIG_JSON' | 'UGYLDIG_STI' | 'FOR_STORT' | 'OVERBELASTET'

/** Heap one JSON value can cost once parsed, at most: an empty object from `[{},{},…]` (measured,
 *  docs/performance.md). An answer is charged max(its bytes, its values × this). */
export const BYTE_PER_VERDI = 32
/** An answer whose values would cost more than this many times its byte bound is refused. */
const VERDI_FAKTOR = 4

/** The memory that upstream answers hold, across every client: bytes while an answer is received,
 *  then, for work that holds its parsed answers until it is done (a lookup's fetch, see `konto`),
 *  their estimated heap until then. A burst of large or costly answers fails calls instead of the
 *  process. */
export class SvarBudsjett {
  private iBruk = 0
  constructor(readonly maksBytes: number) {}

  /** Takes n bytes of the budget; false (and nothing taken) when they do not fit. */
  ta(n: number): boolean {
    if (this.iBruk + n > this.maksBytes) return false
    this.iBruk += n
    return true
  }

  gi(n: number): void {
    this.iBruk -= n
  }

  /** An account for one piece of work: what its answers hold stays taken until `frigi`. */
  konto(): SvarKonto {
    let holdt = 0
    return {
      hold: (n) => {
        if (!this.ta(n)) return false
        holdt += n
        return true
      },
      frigi: () => {
        this.gi(holdt)
        holdt = 0
      },
    }
  }

  get bytes(): number {
    return this.iBruk
  }
}

export interface SvarKonto {
  /** Holds n more of the budget for this work; false when it does not fit. */
  hold(n: number): boolean
  frigi(): void
}

export class HttpFeil extends Error {
  constructor(
    readonly arsak: HttpFeilArsak,
    readonly status: number | null,
    message: string,
  ) {
    super(message)
    this.name = 'HttpFeil'
  }
}

export interface HttpSvar {
  status: number
  /** Parsed JSON; undefined for an empty body, or for an error status's body that is not JSON. */
  data: unknown
}

export interface HttpKlientValg {
  /** Name for errors and metrics (never personal data). */
  navn: string
  baseUrl: string
  /** A number sets connect, header and body timeouts alike. */
  tidsavbrudd: Tidsavbrudd | number
  /** Keep-alive connections at most (default 256): calls beyond them wait in undici's queue. */
  maksTilkoblinger?: number
  /** A larger answer is cut off as a fault (default 8 MiB): an upstream cannot fill our memory.
   *  A call may set a smaller bound of its own (Kall.maksBytes). */
  maksSvarBytes?: number
  /** Shared by every client: bytes of answers in flight at once (none when absent). */
  budsjett?: SvarBudsjett
  /** Injected in tests (MockAgent) for fault shapes that are hard to make for real. */
  dispatcher?: Dispatcher
  /** Told of every call: upstream name, outcome (HTTP status or fault kind), seconds. */
  maling?: (navn: string, utfall: string, sekunder: number) => void
  /** Retries of idempotent calls on 5xx, resets and timeouts. */
  retry?: Partial<RetryValg>
}

export interface RetryValg {
  /** Attempts in all, the first included. */
  forsok: number
  /** Backoff before retry n: a random time up to min(maksMs, grunnMs · 2^n) ("full jitter"). */
  grunnMs: number
  maksMs: number
  /** Retry budget: each call that needed no retry earns this many retry tokens (bucket of 10);
   *  a retry spends one. A failing upstream thus gets at most ~this share of extra load. */
  andel: number
}

const PUNKTSEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/
const JSON_SVAR = { accept: 'application/json' }
const JSON_INNHOLD = { accept: 'application/json', 'content-type': 'application/json' }

/** How much of a readiness probe's answer is read before the connection is cut instead. */
const NAR_MAKS_BYTES = 128 * 1024

const STANDARD_RETRY: RetryValg = { forsok: 3, grunnMs: 25, maksMs: 250, andel: 0.2 }
const BOTTE_MAKS = 10

export interface Kall {
  method: 'GET' | 'POST' | 'PUT'
  path: string
  /** A function is called for each attempt (Fiks wants a fresh sporingsId on every call). */
  query?: Record<string, string> | (() => Record<string, string>)
  headers?: Record<string, string>
  body?: unknown
  signal?: AbortSignal | undefined
  /** Safe to repeat (every read here): only such calls are retried. */
  idempotent?: boolean
  /** What this call's answer may legitimately hold, when less than the client's bound. */
  maksBytes?: number
  /** The work that holds the parsed answer: charged its estimated heap until it is done. */
  konto?: Pick<SvarKonto, 'hold'> | undefined
}

/** An abort reason as an Error (a signal may be aborted with anything, null included). */
const somFeil = (grunn: unknown): Error => (grunn instanceof Error ? grunn : new Error(String(grunn)))

/** UTF-8 as the WHATWG decoder reads it: a byte-order mark (some servers send one) is dropped. */
const UTF8 = new TextDecoder()

export class HttpKlient {
  readonly navn: string
  private readonly origin: string
  /** The base URL's path, ending in '/': request paths are relative to it. */
  private readonly baseSti: string
  /** The base URL's own path and query, for an empty request path. */
  private readonly eksaktSti: string
  private readonly dispatcher: Dispatcher
  private readonly eierDispatcher: boolean
  /** One attempt's hard cap: headers, then body. */
  private readonly forsokMs: number
  private readonly maling: HttpKlientValg['maling']
  private readonly retry: RetryValg
  private readonly maksSvarBytes: number
  private readonly budsjett: SvarBudsjett | undefined
  private botte = BOTTE_MAKS

  constructor(valg: HttpKlientValg) {
    this.navn = valg.navn
    const eksakt = new URL(valg.baseUrl)
    this.origin = eksakt.origin
    this.baseSti = new URL(valg.baseUrl.endsWith('/') ? valg.baseUrl : `${valg.baseUrl}/`).pathname
    this.eksaktSti = eksakt.pathname + eksakt.search
    const t: Tidsavbrudd =
      typeof valg.tidsavbrudd === 'number'
        ? { tilkoblingMs: valg.tidsavbrudd, hodeMs: valg.tidsavbrudd, kroppMs: valg.tidsavbrudd }
        : valg.tidsavbrudd
    this.forsokMs = t.hodeMs + t.kroppMs
    this.maling = valg.maling
    this.retry = { ...STANDARD_RETRY, ...valg.retry }
    this.maksSvarBytes = valg.maksSvarBytes ?? 8 * 1024 * 1024
    this.budsjett = valg.budsjett
    this.eierDispatcher = valg.dispatcher === undefined
    this.dispatcher =
      valg.dispatcher ??
      new Agent({
        connect: { timeout: t.tilkoblingMs },
        headersTimeout: t.hodeMs,
        bodyTimeout: t.kroppMs,
        keepAliveTimeout: 10_000,
        // Fiks is one origin for every municipality: at 64, two hundred lookups in flight queued
        // behind each other's 50 ms calls (the pool, not the service or Fiks, was the limit).
        connections: valg.maksTilkoblinger ?? 256,
      })
  }

  /** The request path: `path` relative to the base URL's path, an empty path the base URL itself
   *  (the token endpoint is configured as a full URL), and the query. Paths are built as strings:
   *  adapters pass segments already encoded, and parsing a URL per call was a visible cost. */
  sti(path: string, query?: Record<string, string>): string {
    // A dot segment (an id from an upstream such as `..`) would point the call elsewhere with our
    // token: refused, so the call fails instead of going astray.
    if (PUNKTSEGMENT.test(path)) throw this.punktsegment()
    return this.bygg(path, query)
  }

  /** The request path, for a path already checked for dot segments (kall checks once per call). */
  private bygg(path: string, query?: Record<string, string>): string {
    let sti = path === '' ? this.eksaktSti : this.baseSti + (path.startsWith('/') ? path.slice(1) : path)
    if (query) {
      const q = new URLSearchParams(query).toString()
      if (q) sti += (sti.includes('?') ? '&' : '?') + q
    }
    return sti
  }

  async kall(k: Kall): Promise<HttpSvar> {
    // Refused before any attempt: not a fault to retry.
    if (PUNKTSEGMENT.test(k.path)) {
      this.maling?.(this.navn, 'UGYLDIG_STI', 0)
      throw this.punktsegment()
    }
    for (let forsok = 1; ; forsok++) {
      const start = performance.now()
      let svar: HttpSvar | null = null
      let feil: unknown = null
      try {
        svar = await this.kallUmalt(k)
        this.maling?.(this.navn, String(svar.status), (performance.now() - start) / 1000)
      } catch (e) {
        feil = e
        this.maling?.(this.navn, e instanceof HttpFeil ? e.arsak : 'FEIL', (performance.now() - start) / 1000)
      }
      const kanProves =
        (svar !== null && svar.status >= 500) ||
        (feil instanceof HttpFeil && (feil.arsak === 'NETTVERK' || feil.arsak === 'TIDSAVBRUDD'))
      if (!kanProves || !k.idempotent || forsok >= this.retry.forsok || k.signal?.aborted || !this.taRetry()) {
        if (forsok === 1 && !kanProves) this.botte = Math.min(BOTTE_MAKS, this.botte + this.retry.andel)
        if (svar) return svar
        throw feil
      }
      const ventMs = Math.random() * Math.min(this.retry.maksMs, this.retry.grunnMs * 2 ** (forsok - 1))
      // Ends early, with a rejection, when the caller gives up (handled just below).
      await vent(ventMs, undefined, k.signal ? { signal: k.signal } : undefined).catch(() => undefined)
      // The caller gave up during the back-off: the last outcome now, not another attempt (and
      // the retry token back: it paid for nothing).
      if (k.signal?.aborted) {
        this.botte = Math.min(BOTTE_MAKS, this.botte + 1)
        if (svar) return svar
        throw feil
      }
    }
  }

  private punktsegment(): HttpFeil {
    return new HttpFeil('UGYLDIG_STI', null, `${this.navn}: ugyldig sti (punktsegment)`)
  }

  /** Spends a retry token if the budget has one. */
  private taRetry(): boolean {
    if (this.botte < 1) return false
    this.botte -= 1
    return true
  }

  /** One attempt through undici's dispatch API: the body's chunks are collected here and parsed
   *  once. `request()` gave each response a Readable stream, a consumer for `text()` and an
   *  AbortController of ours per call: more CPU on every one of a lookup's calls (docs/performance.md). */
  private kallUmalt(k: Kall): Promise<HttpSvar> {
    const path = this.bygg(k.path, typeof k.query === 'function' ? k.query() : k.query)
    return new Promise<HttpSvar>((ok, feil) => {
      // The caller's reason goes along (a deadline's TimeoutError stays a timeout).
      if (k.signal?.aborted) return feil(this.feilFra(somFeil(k.signal.reason), false))
      let kontroll: Dispatcher.DispatchController | null = null
      /** Why the attempt was cut, once it was (before undici started it, or while running). */
      let avbruddsgrunn: Error | null = null
      let tidsavbrutt = false
      /** Set when the answer was cut for its size or for the shared budget. */
      let grense: 'FOR_STORT' | 'OVERBELASTET' | null = null
      let ferdig = false
      let status = 0
      const biter: Buffer[] = []
      const maks = Math.min(k.maksBytes ?? this.maksSvarBytes, this.maksSvarBytes)
      let mottatt = 0
      let tatt = 0
      /** Upper bound on the JSON values in the answer: every '{', '[' and ','. */
      let verdier = 0
      const maksVerdier = (VERDI_FAKTOR * maks) / BYTE_PER_VERDI
      const avbryt = (grunn: unknown) => {
        if (ferdig || avbruddsgrunn) return
        avbruddsgrunn = somFeil(grunn)
        kontroll?.abort(avbruddsgrunn)
      }
      // The attempt's hard cap: headers, then body.
      const timer = setTimeout(() => {
        tidsavbrutt = true
        avbryt(new Error('tidsavbrudd'))
      }, this.forsokMs)
      const videre = () => avbryt(k.signal?.reason)
      const slutt = () => {
        ferdig = true
        clearTimeout(timer)
        k.signal?.removeEventListener('abort', videre)
      }
      const giTilbake = () => {
        this.budsjett?.gi(tatt)
        tatt = 0
      }
      k.signal?.addEventListener('abort', videre, { once: true })
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: (c) => {
          kontroll = c
          if (avbruddsgrunn) c.abort(avbruddsgrunn)
        },
        onResponseStart: (_c, statusKode) => {
          status = statusKode
        },
        onResponseData: (c, bit) => {
          if (grense) return
          mottatt += bit.length
          // Counted here, where the chunk is at hand: no byte library counts characters for us.
          for (let i = 0; i < bit.length; i++) {
            const b = bit[i]
            if (b === 0x2c || b === 0x7b || b === 0x5b) verdier++
          }
          if (mottatt > maks || verdier > maksVerdier) grense = 'FOR_STORT'
          else if (this.budsjett && !this.budsjett.ta(bit.length)) grense = 'OVERBELASTET'
          else {
            tatt += bit.length
            biter.push(bit)
            return
          }
          biter.length = 0
          giTilbake()
          c.abort(new Error(grense))
        },
        onResponseEnd: () => {
          slutt()
          let data: unknown
          try {
            const tekst = UTF8.decode(biter.length === 1 ? (biter[0] as Buffer) : Buffer.concat(biter))
            data = tekst.length === 0 ? undefined : (JSON.parse(tekst) as unknown)
          } catch {
            // The status decides first: an error answer's body is often plain text or HTML (a
            // gateway's page), and the status, not its body, says what happened (a 4xx stays a
            // refusal for the adapter to judge, a 5xx a fault that may be retried).
            if (status < 200 || status > 299) data = undefined
            else {
              giTilbake()
              return feil(
                new HttpFeil('UGYLDIG_JSON', status, `${this.navn}: svaret var ikke gyldig JSON (status ${status})`),
              )
            }
          }
          // The bytes were held until parsed (the text and its parse are the peak); the parsed
          // answer is then charged to the work that keeps it, until that work is done.
          giTilbake()
          if (k.konto && !k.konto.hold(Math.max(mottatt, verdier * BYTE_PER_VERDI))) {
            return feil(new HttpFeil('OVERBELASTET', status, `${this.navn}: for mye oppstrømsdata holdes allerede`))
          }
          ok({ status, data })
        },
        onResponseError: (_c, e) => {
          slutt()
          giTilbake()
          if (grense === 'FOR_STORT')
            return feil(new HttpFeil('FOR_STORT', status, `${this.navn}: svaret er større enn ${maks} byte`))
          if (grense === 'OVERBELASTET')
            return feil(new HttpFeil('OVERBELASTET', status, `${this.navn}: for mange byte underveis fra oppstrøms`))
          feil(this.feilFra(e, tidsavbrutt))
        },
      }
      // undici's dispatchers report every fault, a closed dispatcher's or a bad option's included,
      // through onResponseError: dispatch itself does not throw.
      this.dispatcher.dispatch(
        {
          origin: this.origin,
          path,
          method: k.method,
          headers: k.body !== undefined ? { ...JSON_INNHOLD, ...k.headers } : { ...JSON_SVAR, ...k.headers },
          body: k.body === undefined ? null : JSON.stringify(k.body),
        },
        handler,
      )
    })
  }

  private feilFra(e: unknown, tidsavbrutt: boolean): HttpFeil {
    const kode = (e as { code?: string }).code ?? ''
    if (tidsavbrutt || /TIMEOUT/i.test(kode) || (e as Error).name === 'TimeoutError') {
      return new HttpFeil('TIDSAVBRUDD', null, `${this.navn}: tidsavbrudd`)
    }
    return new HttpFeil('NETTVERK', null, `${this.navn}: nettverksfeil ${kode || (e as Error).name}`)
  }

  /** Whether the upstream answers at all within the time: a cheap readiness probe. Any status
   *  counts, and the answer counts as soon as its head arrives; its body is read (so the connection
   *  can be reused) up to a small bound, or cut. */
  nar(tidsavbruddMs = 1000): Promise<boolean> {
    return new Promise<boolean>((svar) => {
      let kontroll: Dispatcher.DispatchController | null = null
      let avgjort = false
      let lest = 0
      const avgjor = (oppe: boolean) => {
        if (!avgjort) {
          avgjort = true
          svar(oppe)
        }
      }
      // Down at the deadline whether or not undici has started the request (a call still waiting
      // for a connection is cut once it starts); after an answer, the deadline cuts a slow body.
      const timer = setTimeout(() => {
        avgjor(false)
        kontroll?.abort(new Error('tidsavbrudd'))
      }, tidsavbruddMs)
      this.dispatcher.dispatch(
        { origin: this.origin, path: this.eksaktSti, method: 'GET' },
        {
          onRequestStart: (c) => {
            kontroll = c
            if (avgjort) c.abort(new Error('tidsavbrudd'))
          },
          onResponseStart: () => avgjor(true),
          onResponseData: (c, bit) => {
            lest += bit.length
            if (lest > NAR_MAKS_BYTES) c.abort(new Error('probens svar er for stort'))
          },
          onResponseEnd: () => clearTimeout(timer),
          onResponseError: () => {
            clearTimeout(timer)
            avgjor(false)
          },
        },
      )
    })
  }

  async close(): Promise<void> {
    if (this.eierDispatcher) await this.dispatcher.close()
  }
}

// One mapping of transport faults to each port's error, for every adapter. Never the upstream's
// body: only our own texts.

/** A register call's fault: fails the access decision closed. */
export function somRegisterFeil(register: RegisterFeil['register'], e: unknown): RegisterFeil {
  if (e instanceof RegisterFeil) return e
  const arsak =
    e instanceof HttpFeil && (e.arsak === 'UGYLDIG_JSON' || e.arsak === 'FOR_STORT') ? 'UGYLDIG_SVAR' : 'UTILGJENGELIG'
  return new RegisterFeil(register, arsak, e instanceof HttpFeil ? e.message : `${register}: ukjent feil`)
}

/** A Fiks or fagsystem call's fault, including having no token for it: only the municipality
 *  concerned is UTILGJENGELIG, the others are still shown. */
export function somKildeFeil(kilde: KildeFeil['kilde'], e: unknown): unknown {
  if (e instanceof HttpFeil) {
    // Our own bound on bytes in flight: kept as the cause, so no breaker counts it against the source.
    if (e.arsak === 'OVERBELASTET') return new KildeFeil(kilde, 'UTILGJENGELIG', e.message, e)
    const arsak =
      e.arsak === 'TIDSAVBRUDD'
        ? 'TIDSAVBRUDD'
        : e.arsak === 'UGYLDIG_JSON' || e.arsak === 'FOR_STORT'
          ? 'UGYLDIG_SVAR'
          : 'UTILGJENGELIG'
    return new KildeFeil(kilde, arsak, e.message)
  }
  // The token fault kept as the cause: no breaker of a source counts it (vern.ts erKildesFeil).
  if (e instanceof RegisterFeil) return new KildeFeil(kilde, 'UTILGJENGELIG', e.message, e)
  return e
}
