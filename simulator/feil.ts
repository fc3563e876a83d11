// The simulator's run-time state: injected faults and call counters. One instance per app, so that
// tests can run several simulators side by side.
import { setTimeout as vent } from 'node:timers/promises'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { FeilSkjema, type Datasett, type Feil } from './dataset.js'

export { FeilSkjema, type Feil }

/** Upstream paths that can be counted and given faults. */
export const UPSTREAMS = [
  'pdl',
  'skjerming',
  'nom',
  'texas',
  'fiks-soknader',
  'fiks-dokument',
  'fiks-kommuneinfo',
  'fiks-kommuner',
  'fiks-io',
] as const
export type Upstream = (typeof UPSTREAMS)[number]

export const FeilMal = z.union([
  z.strictObject({ kommunenummer: z.string().regex(/^\d{4}$/) }),
  z.strictObject({ upstream: z.enum(UPSTREAMS) }),
])
export type FeilMal = z.infer<typeof FeilMal>

/** Faults per municipality apply to these calls about that municipality. */
const KOMMUNEKALL: ReadonlySet<Upstream> = new Set(['fiks-dokument', 'fiks-kommuneinfo', 'fiks-io'])

export interface KallOversikt {
  perUpstream: Partial<Record<Upstream, number>>
  perKommune: Record<string, Partial<Record<Upstream, number>>>
  /** Every Fiks `sporingsId` seen (Digisos query parameter, fiks-io request), in order, also the rejected calls'. */
  sporingsIder: string[]
  /** Tokens issued by the token service, per identity provider and target. */
  tokens: { identityProvider: string; target: string; antall: number }[]
}

export class SimulatorTilstand {
  private readonly kommuneFeil = new Map<string, Feil>()
  private readonly upstreamFeil = new Map<Upstream, Feil>()
  private readonly teller = new Map<string, number>()
  private sporingsIder: string[] = []
  private readonly tokenTeller = new Map<string, number>()
  /** Tokens this simulator issued (for the strict token check), bounded. */
  private readonly utstedte = new Map<string, string>()

  constructor(datasett: Datasett) {
    for (const k of datasett.kommuner) if (k.feil) this.kommuneFeil.set(k.kommunenummer, k.feil)
  }

  settFeil(mal: FeilMal, feil: Feil | null): void {
    if ('kommunenummer' in mal) {
      if (feil) this.kommuneFeil.set(mal.kommunenummer, feil)
      else this.kommuneFeil.delete(mal.kommunenummer)
    } else if (feil) this.upstreamFeil.set(mal.upstream, feil)
    else this.upstreamFeil.delete(mal.upstream)
  }

  /** Clears every fault, also those the dataset started with. */
  fjernAlleFeil(): void {
    this.kommuneFeil.clear()
    this.upstreamFeil.clear()
  }

  feil(): { kommuner: Record<string, Feil>; upstreams: Partial<Record<Upstream, Feil>> } {
    return { kommuner: Object.fromEntries(this.kommuneFeil), upstreams: Object.fromEntries(this.upstreamFeil) }
  }

  /** The fault for a call: the municipality's own fault wins over the upstream's. */
  feilFor(upstream: Upstream, kommunenummer?: string): Feil | undefined {
    if (kommunenummer !== undefined && KOMMUNEKALL.has(upstream)) {
      const k = this.kommuneFeil.get(kommunenummer)
      if (k) return k
    }
    return this.upstreamFeil.get(upstream)
  }

  registrer(upstream: Upstream, kommunenummer?: string): void {
    const nokkel = `${upstream}|${kommunenummer ?? ''}`
    this.teller.set(nokkel, (this.teller.get(nokkel) ?? 0) + 1)
  }

  registrerSporingsId(id: string): void {
    this.sporingsIder.push(id)
  }

  registrerToken(token: string, identityProvider: string, target: string): void {
    const nokkel = `${identityProvider}\u0000${target}`
    this.tokenTeller.set(nokkel, (this.tokenTeller.get(nokkel) ?? 0) + 1)
    if (this.utstedte.size >= 10_000) this.utstedte.delete(this.utstedte.keys().next().value as string)
    this.utstedte.set(token, identityProvider)
  }

  /** The identity provider a token was issued for, or undefined when this simulator did not issue it. */
  tokenUtstedtFor(token: string): string | undefined {
    return this.utstedte.get(token)
  }

  kall(): KallOversikt {
    const perUpstream: KallOversikt['perUpstream'] = {}
    const perKommune: KallOversikt['perKommune'] = {}
    for (const [nokkel, antall] of this.teller) {
      const [upstream, kommune] = nokkel.split('|') as [Upstream, string]
      perUpstream[upstream] = (perUpstream[upstream] ?? 0) + antall
      if (kommune) {
        perKommune[kommune] ??= {}
        perKommune[kommune][upstream] = antall
      }
    }
    const tokens = [...this.tokenTeller].map(([n, antall]) => {
      const [identityProvider, target] = n.split('\u0000') as [string, string]
      return { identityProvider, target, antall }
    })
    return { perUpstream, perKommune, sporingsIder: [...this.sporingsIder], tokens }
  }

  nullstillKall(): void {
    this.teller.clear()
    this.tokenTeller.clear()
    this.sporingsIder = []
  }
}

/** Resolves when the client has gone away (or the server closed the connection). */
function lukket(reply: FastifyReply): Promise<void> {
  if (reply.raw.destroyed || reply.raw.writableFinished) return Promise.resolve()
  return new Promise((resolve) => reply.raw.once('close', () => resolve()))
}

/** Valid JSON that costs many times its bytes to parse (`[{},{},…]`), made once per size so that
 *  the simulator sends it as fast as a real upstream would. */
let sisteStorKropp: { kib: number; kropp: Buffer } | null = null
function storKropp(kib: number): Buffer {
  if (sisteStorKropp?.kib !== kib)
    sisteStorKropp = { kib, kropp: Buffer.from(`[${'{},'.repeat(Math.floor((kib * 1024) / 3))}{}]`) }
  return sisteStorKropp.kropp
}

/**
 * Applies a fault to a call. Returns true when the fault has dealt with the call (answered it,
 * dropped it, or is holding it until the client gives up); false when the call should go on.
 * Order: latency first, then reset, timeout, a large body, malformed, status.
 */
export async function utforFeil(
  feil: Feil | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
  feilkropp: (status: number) => unknown,
): Promise<boolean> {
  if (!feil) return false
  if (feil.latencyMs) {
    const avbryt = new AbortController()
    const borte = lukket(reply).then(() => 'borte' as const)
    const ferdig = vent(feil.latencyMs, 'ferdig' as const, { signal: avbryt.signal }).catch(() => 'borte' as const)
    const utfall = await Promise.race([ferdig, borte])
    avbryt.abort()
    if (utfall === 'borte') {
      reply.hijack()
      return true
    }
  }
  if (feil.reset) {
    reply.hijack()
    // An RST rather than a FIN, so the client sees ECONNRESET as with a dropped connection.
    const socket = request.raw.socket
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
    else socket.destroy()
    return true
  }
  if (feil.timeout) {
    // Never answer; the call ends when the client gives up or the simulator closes.
    reply.hijack()
    await lukket(reply)
    return true
  }
  if (feil.storKroppKiB) {
    await reply.code(200).type('application/json; charset=utf-8').send(storKropp(feil.storKroppKiB))
    return true
  }
  if (feil.malformed) {
    await reply.code(200).type('application/json; charset=utf-8').send('{"data": {"ufullstendig": ')
    return true
  }
  if (feil.status !== undefined) {
    await reply
      .code(feil.status)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(feilkropp(feil.status)))
    return true
  }
  return false
}
