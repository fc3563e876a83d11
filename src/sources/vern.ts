// Protection around the upstream ports: identical calls already in flight are shared (coalesced),
// and a circuit breaker per register and per municipality stops calling what keeps failing, then
// lets one probe through to see whether it has recovered.
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel'
import type { Fagsystem } from './fagsystem/port.js'
import { HttpFeil } from './http.js'
import {
  KildeFeil,
  RegisterFeil,
  type AnsattRegister,
  type FiksDigisos,
  type KallKontekst,
  type PersonRegister,
  type SkjermingRegister,
} from './ports.js'

export type BryterTilstand = 'lukket' | 'halvapen' | 'apen'

const TILSTAND: Record<CircuitState, BryterTilstand> = {
  [CircuitState.Closed]: 'lukket',
  [CircuitState.HalfOpen]: 'halvapen',
  [CircuitState.Open]: 'apen',
  [CircuitState.Isolated]: 'apen',
}

/** The breaker is open (or half-open with its probe already out): the call was not made. */
export class BryterApen extends Error {
  override name = 'BryterApen'
}

export interface BryterValg {
  /** Failures in a row that open the breaker. */
  feilPaRad: number
  /** How long it stays open before one probe is let through. */
  apenMs: number
  /** Told of every change (metrics). `kommunenummer` is null for a register. */
  vedEndring?: (upstream: string, kommunenummer: string | null, tilstand: BryterTilstand) => void
  /** Clock for the open time; tests move it instead of waiting. */
  na?: () => number
}

/** An error the caller's test says is not the upstream's fault: passed through the breaker
 *  without counting either way, then unwrapped. */
class IkkeTelt extends Error {
  constructor(readonly feil: unknown) {
    super('ikke talt')
  }
}

const nokkelFor = (upstream: string, kommunenummer: string | null) =>
  kommunenummer === null ? upstream : `${upstream}:${kommunenummer}`
const apenMelding = (upstream: string, kommunenummer: string | null) =>
  `${upstream}${kommunenummer ? ` ${kommunenummer}` : ''}: bryter åpen`

/** One breaker per upstream (and per municipality), made on first use. The number of them is
 *  bounded by the upstreams and the four-digit municipality numbers. */
export class Brytere {
  private readonly per = new Map<string, CircuitBreakerPolicy>()
  /** When each open breaker may let its probe through, on our clock: cockatiel reads the system
   *  clock, so it is told to probe at once and this gate holds the calls back until then. */
  private readonly apenTil = new Map<string, number>()
  private readonly na: () => number

  constructor(private readonly valg: BryterValg) {
    this.na = valg.na ?? Date.now
  }

  private bryter(upstream: string, kommunenummer: string | null): CircuitBreakerPolicy {
    const nokkel = nokkelFor(upstream, kommunenummer)
    let b = this.per.get(nokkel)
    if (!b) {
      // What counts is decided per call (kjor's erFeil): a breaker made once must not keep the
      // test, and with it the state, of the first call that made it.
      b = circuitBreaker(
        handleWhen((e) => !(e instanceof IkkeTelt)),
        { halfOpenAfter: 0, breaker: new ConsecutiveBreaker(this.valg.feilPaRad) },
      )
      b.onStateChange((s) => {
        if (s === CircuitState.Open) this.apenTil.set(nokkel, this.na() + this.valg.apenMs)
        this.valg.vedEndring?.(upstream, kommunenummer, TILSTAND[s])
      })
      this.per.set(nokkel, b)
      this.valg.vedEndring?.(upstream, kommunenummer, 'lukket')
    }
    return b
  }

  /** Runs `kall` through the breaker; errors for which `erFeil` holds count as failures. Throws
   *  BryterApen without calling while the breaker is open. */
  async kjor<T>(
    upstream: string,
    kommunenummer: string | null,
    erFeil: (e: Error) => boolean,
    kall: () => Promise<T>,
  ): Promise<T> {
    const bryter = this.bryter(upstream, kommunenummer)
    if (bryter.state === CircuitState.Open && this.na() < (this.apenTil.get(nokkelFor(upstream, kommunenummer)) ?? 0)) {
      throw new BryterApen(apenMelding(upstream, kommunenummer))
    }
    try {
      return await bryter.execute(async () => {
        try {
          return await kall()
        } catch (e) {
          throw e instanceof Error && erFeil(e) ? e : new IkkeTelt(e)
        }
      })
    } catch (e) {
      if (e instanceof IkkeTelt) throw e.feil
      if (e instanceof BrokenCircuitError) throw new BryterApen(apenMelding(upstream, kommunenummer))
      throw e
    }
  }

  tilstand(upstream: string, kommunenummer: string | null = null): BryterTilstand {
    const b = this.per.get(nokkelFor(upstream, kommunenummer))
    return b ? TILSTAND[b.state] : 'lukket'
  }
}

interface Flyvning<T> {
  lofte: Promise<T>
  /** sporingsIds the shared call used; every participant reports them in its own audit event. */
  sporing: string[]
  /** Participants still waiting; when the last one gives up, the call is aborted. */
  deltakere: number
  avbryt: AbortController
}

/** Shares identical calls in flight. The key must hold everything that makes two calls the same
 *  call (upstream, operation, personident, municipality …): callers with equal keys get the same
 *  answer, so a key that left something out could hand one person's data to another lookup.
 *  Each participant waits under its own deadline; the shared call runs until the last participant
 *  has given up, or its own timeouts. */
export class Samkjoring {
  private readonly underveis = new Map<string, Flyvning<unknown>>()

  /** `vedDeling` is told each time a caller joins a call already in flight (metrics). */
  constructor(private readonly vedDeling?: (upstream: string) => void) {}

  async del<T>(
    upstream: string,
    nokkel: string,
    ctx: KallKontekst,
    kall: (ctx: KallKontekst) => Promise<T>,
    avbrutt: () => Error,
  ): Promise<T> {
    if (ctx.signal?.aborted) throw avbrutt()
    const full = `${upstream}\u0000${nokkel}`
    let f = this.underveis.get(full) as Flyvning<T> | undefined
    if (f) this.vedDeling?.(upstream)
    else {
      const avbryt = new AbortController()
      const sporing: string[] = []
      // The first caller's account holds the answer: it is parsed once, for everyone who shares it.
      const lofte = kall({
        callId: ctx.callId,
        sporing,
        signal: avbryt.signal,
        ...(ctx.konto ? { konto: ctx.konto } : {}),
      }).finally(() => {
        if (this.underveis.get(full) === ny) this.underveis.delete(full)
      })
      const ny: Flyvning<T> = { lofte, sporing, deltakere: 0, avbryt }
      // Nobody may see an unhandled rejection from a call every participant has left.
      lofte.catch(() => undefined)
      this.underveis.set(full, ny as Flyvning<unknown>)
      f = ny
    }
    const flyvning = f
    flyvning.deltakere++
    let forlat: (() => void) | undefined
    const forlatt = new Promise<never>((_ok, feil) => {
      forlat = () => feil(avbrutt())
      ctx.signal?.addEventListener('abort', forlat, { once: true })
    })
    forlatt.catch(() => undefined)
    try {
      return await Promise.race([flyvning.lofte, forlatt])
    } finally {
      if (forlat) ctx.signal?.removeEventListener('abort', forlat)
      ctx.sporing?.push(...flyvning.sporing)
      if (--flyvning.deltakere === 0 && ctx.signal?.aborted) {
        if (this.underveis.get(full) === flyvning) this.underveis.delete(full)
        // With the participant's reason: a deadline is recorded as a timeout, not a network fault.
        flyvning.avbryt.abort(ctx.signal.reason)
      }
    }
  }

  /** Calls in flight (tests). */
  get antall(): number {
    return this.underveis.size
  }
}

// ── The ports with protection ────────────────────────────────────────────────
export interface Vern {
  brytere: Brytere
  samkjoring: Samkjoring
}

/** One call shared with identical calls in flight, behind the upstream's breaker. `feil` makes
 *  the port's own error for an open breaker or a caller's deadline, so callers see one kind. */
export function vernetKall<T>(
  v: Vern,
  upstream: string,
  nokkel: string,
  ctx: KallKontekst,
  kall: (ctx: KallKontekst) => Promise<T>,
  erFeil: (e: Error) => boolean,
  feil: (hva: 'bryter åpen' | 'fristen gikk ut') => Error,
): Promise<T> {
  return v.samkjoring.del(
    upstream,
    nokkel,
    ctx,
    async (c) => {
      try {
        // A shared call cut because every participant left is nobody's fault upstream.
        return await v.brytere.kjor(
          upstream,
          null,
          (e) => !c.signal?.aborted && erFeil(e),
          () => kall(c),
        )
      } catch (e) {
        if (e instanceof BryterApen) throw feil('bryter åpen')
        throw e
      }
    },
    () => feil('fristen gikk ut'),
  )
}

// Only the register's own faults count against its breaker: no token (the token service down)
// is the token service's breaker's to count.
const erRegisterFeil = (register: RegisterFeil['register']) => (e: Error) =>
  e instanceof RegisterFeil && e.register === register
const registerFeil = (register: RegisterFeil['register']) => (hva: string) =>
  new RegisterFeil(register, 'UTILGJENGELIG', `${register}: ${hva}`)
const kildeFeil = (kilde: KildeFeil['kilde']) => (hva: 'bryter åpen' | 'fristen gikk ut') =>
  new KildeFeil(kilde, hva === 'bryter åpen' ? 'UTILGJENGELIG' : 'TIDSAVBRUDD', `${kilde}: ${hva}`)

// Every register fault stays a RegisterFeil, so the access decision fails closed.
export function vernetPersonRegister(p: PersonRegister, v: Vern): PersonRegister {
  return {
    hentPerson: (ident, ctx) =>
      vernetKall(v, 'pdl', ident, ctx, (c) => p.hentPerson(ident, c), erRegisterFeil('pdl'), registerFeil('pdl')),
  }
}

export function vernetSkjerming(s: SkjermingRegister, v: Vern): SkjermingRegister {
  return {
    erSkjermet: (identer, ctx) =>
      vernetKall(
        v,
        'skjerming',
        JSON.stringify([...identer].sort()),
        ctx,
        (c) => s.erSkjermet(identer, c),
        erRegisterFeil('skjerming'),
        registerFeil('skjerming'),
      ),
  }
}

export function vernetAnsattRegister(a: AnsattRegister, v: Vern): AnsattRegister {
  return {
    hentPersonident: (navident, ctx) =>
      vernetKall(
        v,
        'nom',
        navident,
        ctx,
        (c) => a.hentPersonident(navident, c),
        erRegisterFeil('nom'),
        registerFeil('nom'),
      ),
  }
}

/** A Fiks or fagsystem fault that is the source's own: not one for want of a token, and not a
 *  refusal of one request (a 4xx on one document). */
export const erKildesFeil = (e: Error): boolean =>
  e instanceof KildeFeil &&
  e.arsak !== 'AVVIST' &&
  !(e.cause instanceof RegisterFeil) &&
  !(e.cause instanceof HttpFeil && e.cause.arsak === 'OVERBELASTET')

/** Fiks: the case list behind the Fiks breaker. Documents and KommuneInfo concern one
 *  municipality and sit behind that municipality's breaker (in the fetch), so are only shared. */
export function vernetFiks(f: FiksDigisos, v: Vern): FiksDigisos {
  const delt = <T>(nokkel: string, ctx: KallKontekst, kall: (c: KallKontekst) => Promise<T>) =>
    v.samkjoring.del('fiks', nokkel, ctx, kall, () => kildeFeil('fiks')('fristen gikk ut'))
  return {
    hentSaker: (ident, ctx) =>
      vernetKall(v, 'fiks', `saker:${ident}`, ctx, (c) => f.hentSaker(ident, c), erKildesFeil, kildeFeil('fiks')),
    hentDokument: (id, dokument, ctx) =>
      delt(`dokument:${JSON.stringify([id, dokument])}`, ctx, (c) => f.hentDokument(id, dokument, c)),
    hentKommuneInfo: (kommune, ctx) => delt(`kommuneinfo:${kommune}`, ctx, (c) => f.hentKommuneInfo(kommune, c)),
    hentAlleKommuneInfo: (ctx) =>
      vernetKall(v, 'fiks', 'kommuner', ctx, (c) => f.hentAlleKommuneInfo(c), erKildesFeil, kildeFeil('fiks')),
  }
}

export function vernetFagsystem(f: Fagsystem, v: Vern): Fagsystem {
  return {
    hent: (kommune, ident, ctx) =>
      v.samkjoring.del(
        'fiks-io',
        `${kommune}:${ident}`,
        ctx,
        (c) => f.hent(kommune, ident, c),
        () => kildeFeil('fagsystem')('fristen gikk ut'),
      ),
  }
}
