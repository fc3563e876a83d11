// The token issuer's signing keys (DESIGN §4). Every key of the last fetched key set is kept: a kid
// in it is answered at once, whatever else is going on. An unknown kid asks for a refetch, and that
// is where an attacker with made-up kids pushes, so:
// - each unknown kid is remembered for a while (a bounded negative cache), and asks no more;
// - refetches are at least `minIntervallMs` apart, whoever asks, but a kid is never refused for
//   that: it waits for the next refetch, shared by every kid that waits with it. A key the issuer
//   has just published is so accepted within about `minIntervallMs`, however many made-up kids
//   arrive meanwhile, and those cost at most one fetch per interval.
// (get-jwks, used before, keeps only the key it was asked for and refetches on every miss; a
// global cool-down in front of it held back every new kid, a just-published key included.)
import { createPublicKey, type JsonWebKey } from 'node:crypto'
import { setTimeout as vent } from 'node:timers/promises'
import { LRUCache } from 'lru-cache'
import { z } from 'zod'

/** How long a fetched key set is trusted before it is fetched again. */
export const JWKS_TTL_MS = 10 * 60_000

/** The algorithms a token may use (DESIGN §4), and the key each needs. */
const ALGORITMER = { RS256: { kty: 'RSA' }, ES256: { kty: 'EC', crv: 'P-256' } } as const
type Algoritme = keyof typeof ALGORITMER

/** A kid longer than this is refused without a fetch: Entra's are about 30 characters, and a
 *  made-up one must not cost more than a small, fixed amount of the negative cache. */
const MAKS_KID_LENGDE = 256
/** More keys than this in one set are not read (Entra publishes a handful). */
const MAKS_NOKLER = 100
const MAKS_JWKS_BYTES = 1024 * 1024
const MIN_RSA_BITS = 2048

export interface NokkelsettValg {
  jwksUri: string
  /** Default JWKS_TTL_MS. A set that cannot be refreshed is used for as long again, then not. */
  ttlMs?: number
  /** Fewest ms between two fetches (default 1 000): the longest a newly published kid waits. */
  minIntervallMs?: number
  /** How long a kid that the set did not have is refused without asking again (default 5 000). */
  ukjentKidMs?: number
  /** How many such kids are remembered (default 1 000; the oldest go first). */
  ukjentKidMaks?: number
  /** Fetch timeout (default 5 000 ms). */
  tidsavbruddMs?: number
  /** Clock (tests). */
  na?: () => number
  /** The wait until the next fetch may start (tests). */
  vent?: (ms: number) => Promise<void>
  /** Fetches the JWKS document (tests); default an HTTP GET bounded in time and size. */
  hent?: (uri: string, tidsavbruddMs: number) => Promise<unknown>
}

const Jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) })

/** kid → the PEM of each usable key with that kid, by algorithm. */
type Sett = Map<string, Partial<Record<Algoritme, string>>>

export class UkjentNokkel extends Error {
  override name = 'UkjentNokkel'
}

export class Nokkelsett {
  private sett: Sett = new Map()
  /** When the set in use was fetched (its fetch's start); null before the first. */
  private hentetMs: number | null = null
  /** Number of the fetch the set in use came from. */
  private settNr = 0
  /** Fetches started so far: a request knows a fetch began after it came when the number is higher. */
  private startet = 0
  private sisteForsokMs = Number.NEGATIVE_INFINITY
  /** The next fetch, not yet started: every miss until it starts waits for this one. */
  private neste: Promise<void> | null = null
  /** The fetch in flight (or the last one). */
  private forrige: Promise<void> = Promise.resolve()
  private pagar = false
  private readonly ukjente: LRUCache<string, true>
  private readonly ttlMs: number
  private readonly minIntervallMs: number
  private readonly tidsavbruddMs: number
  private readonly na: () => number
  private readonly vent: (ms: number) => Promise<void>
  private readonly hent: (uri: string, tidsavbruddMs: number) => Promise<unknown>

  constructor(private readonly valg: NokkelsettValg) {
    this.ttlMs = valg.ttlMs ?? JWKS_TTL_MS
    this.minIntervallMs = valg.minIntervallMs ?? 1_000
    this.tidsavbruddMs = valg.tidsavbruddMs ?? 5_000
    this.na = valg.na ?? Date.now
    this.vent = valg.vent ?? ((ms) => vent(ms, undefined, { ref: false }))
    this.hent = valg.hent ?? hentJwks
    const na = this.na
    this.ukjente = new LRUCache<string, true>({
      max: valg.ukjentKidMaks ?? 1_000,
      ttl: valg.ukjentKidMs ?? 5_000,
      ttlResolution: 0,
      perf: { now: na },
    })
  }

  /** Kids now in the negative cache (tests: its bound). */
  get antallUkjente(): number {
    return this.ukjente.size
  }

  /** The PEM of the key for this kid and algorithm; UkjentNokkel if there is none. */
  async pem(kid: unknown, alg: unknown): Promise<string> {
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAKS_KID_LENGDE)
      throw new UkjentNokkel('kid mangler eller er for lang')
    if (alg !== 'RS256' && alg !== 'ES256') throw new UkjentNokkel('algoritmen er ikke tillatt')
    const ankom = this.startet
    await this.oppfrisk()
    const funnet = this.finn(kid, alg)
    if (funnet !== undefined) return funnet
    if (this.ukjente.has(kid)) throw new UkjentNokkel('ukjent kid (nylig spurt)')
    // A set fetched after this request came already says the kid is not there.
    if (this.settNr <= ankom) {
      await this.hentEtter()
      const na = this.finn(kid, alg)
      if (na !== undefined) return na
    }
    if (this.settNr > ankom) this.ukjente.set(kid, true)
    throw new UkjentNokkel('ukjent kid')
  }

  /** A set older than the TTL is fetched again, as soon as the interval allows. Meanwhile, and if
   *  that fails, the old one answers for at most one more TTL (an issuer slow to answer must not
   *  hold every new token back); without a set that answers, the request waits for the fetch. */
  private async oppfrisk(): Promise<void> {
    const alder = this.hentetMs === null ? Number.POSITIVE_INFINITY : this.na() - this.hentetMs
    if (alder < this.ttlMs) return
    const henting =
      this.neste ??
      (this.pagar ? this.forrige : this.na() - this.sisteForsokMs >= this.minIntervallMs ? this.hentEtter() : null)
    if (henting !== null && alder >= 2 * this.ttlMs) await henting
  }

  /** Settles when the fetch in flight or waiting, if any, has (tests). */
  async rolig(): Promise<void> {
    await this.forrige
  }

  private finn(kid: string, alg: Algoritme): string | undefined {
    if (this.hentetMs === null || this.na() - this.hentetMs >= 2 * this.ttlMs) return undefined
    return this.sett.get(kid)?.[alg]
  }

  /** A fetch that starts from now on: the one waiting to start if there is one, else a new one,
   *  started once the one in flight is done and the interval since the last has passed. Never
   *  rejects: a failed fetch leaves the set as it was. */
  private hentEtter(): Promise<void> {
    if (this.neste !== null) return this.neste
    const neste = this.forrige.then(async () => {
      const igjen = this.sisteForsokMs + this.minIntervallMs - this.na()
      if (igjen > 0) await this.vent(igjen)
      this.neste = null
      this.pagar = true
      const nr = ++this.startet
      const startMs = this.na()
      this.sisteForsokMs = startMs
      try {
        const sett = lesSett(await this.hent(this.valg.jwksUri, this.tidsavbruddMs))
        this.sett = sett
        this.hentetMs = startMs
        this.settNr = nr
      } catch {
        // The caller sees the outcome in the set (unchanged); nothing of the answer is logged.
      } finally {
        this.pagar = false
      }
    })
    this.neste = neste
    this.forrige = neste
    return neste
  }
}

/** The usable signature keys of a JWKS document; throws if there is none (kept: the set before). */
export function lesSett(dokument: unknown): Sett {
  const { keys } = Jwks.parse(dokument)
  const sett: Sett = new Map()
  for (const jwk of keys.slice(0, MAKS_NOKLER)) {
    const { kid, use, alg, kty, crv } = jwk
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAKS_KID_LENGDE) continue
    if (use !== undefined && use !== 'sig') continue
    for (const [navn, krav] of Object.entries(ALGORITMER) as [Algoritme, (typeof ALGORITMER)[Algoritme]][]) {
      if ((alg !== undefined && alg !== navn) || kty !== krav.kty || ('crv' in krav && crv !== krav.crv)) continue
      try {
        const nokkel = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
        if (nokkel.asymmetricKeyType === 'rsa' && (nokkel.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS)
          continue
        const pem = nokkel.export({ format: 'pem', type: 'spki' }).toString()
        sett.set(kid, { ...sett.get(kid), [navn]: pem })
      } catch {
        // One malformed key does not spoil the others.
      }
    }
  }
  if (sett.size === 0) throw new Error('JWKS uten brukbare nøkler')
  return sett
}

/** GET the JWKS: no redirects, bounded in time and size. */
async function hentJwks(uri: string, tidsavbruddMs: number): Promise<unknown> {
  const svar = await fetch(uri, {
    headers: { accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(tidsavbruddMs),
  })
  if (!svar.ok || svar.body === null) {
    await svar.body?.cancel()
    throw new Error(`JWKS svarte ${svar.status}`)
  }
  const deler: Uint8Array[] = []
  let bytes = 0
  for await (const del of svar.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += del.byteLength
    if (bytes > MAKS_JWKS_BYTES) throw new Error('JWKS for stor')
    deler.push(del)
  }
  return JSON.parse(Buffer.concat(deler).toString('utf8'))
}
