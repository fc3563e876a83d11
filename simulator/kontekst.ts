// What every simulated upstream shares: the dataset with its look-up tables, the run-time state and
// the options the app was built with.
import type { FastifyRequest } from 'fastify'
import type { Datasett, DatasettAnsatt, DatasettKommune, DatasettPerson, DatasettSak } from './dataset.js'
import type { SimulatorTilstand } from './feil.js'

export interface SimulatorOpts {
  /** The Fiks integration credentials every Fiks call must carry. */
  integrasjon: { id: string; passord: string }
  /** Serves POST /dev/token when set. */
  devToken?: {
    lagToken: (krav: { navident: string; groups: string[]; aud: string }) => Promise<string>
    groups: string[]
    audience: string
  }
  /**
   * Only accept bearer tokens this simulator's token service issued, for the right identity
   * provider (entra_id for the registers, maskinporten for Fiks). Default false: any bearer passes.
   */
  strengeTokens?: boolean
  /** Fastify's logger option; default off (the simulator's bodies are personal data, even if synthetic). */
  logger?: boolean | { level: string }
}

export interface Indeks {
  /** Every ident, historical ones too, → the person (PDL finds a person by any of their idents). */
  person: Map<string, DatasettPerson>
  /** What the pip knows: ident → skjermet, for each ident on its own. */
  skjermet: Map<string, boolean>
  /** parent ident → the children's idents with the parent's role. */
  barn: Map<string, { personident: string; rolle: string }[]>
  /** fnr → the cases Fiks returns for a query on that fnr. */
  sakerFor: Map<string, DatasettSak[]>
  /** Idents Fiks's case list refuses with a 400 (historiskeIdenter[].fiksAvviser). */
  fiksAvviser: Set<string>
  sak: Map<string, DatasettSak>
  kommune: Map<string, DatasettKommune>
  ansatt: Map<string, DatasettAnsatt>
}

export interface SimulatorKontekst {
  datasett: Datasett
  indeks: Indeks
  tilstand: SimulatorTilstand
  opts: SimulatorOpts
}

export function lagIndeks(d: Datasett): Indeks {
  const barn = new Map<string, { personident: string; rolle: string }[]>()
  for (const p of d.personer) {
    for (const f of p.foreldre) {
      const liste = barn.get(f.personident) ?? []
      liste.push({ personident: p.personident, rolle: f.rolle })
      barn.set(f.personident, liste)
    }
  }
  const sakerFor = new Map<string, DatasettSak[]>()
  for (const s of d.digisosSaker) {
    for (const fnr of new Set([s.sokerFnr, ...s.ogsaReturnertFor])) {
      const liste = sakerFor.get(fnr) ?? []
      liste.push(s)
      sakerFor.set(fnr, liste)
    }
  }
  return {
    person: new Map(
      d.personer.flatMap((p) =>
        [p.personident, ...p.historiskeIdenter.map((h) => h.personident)].map((i) => [i, p] as const),
      ),
    ),
    skjermet: new Map(
      d.personer.flatMap((p) => [
        [p.personident, p.skjermet] as const,
        ...p.historiskeIdenter.map((h) => [h.personident, h.skjermet] as const),
      ]),
    ),
    barn,
    sakerFor,
    fiksAvviser: new Set(
      d.personer.flatMap((p) => p.historiskeIdenter.filter((h) => h.fiksAvviser).map((h) => h.personident)),
    ),
    sak: new Map(d.digisosSaker.map((s) => [s.fiksDigisosId, s])),
    kommune: new Map(d.kommuner.map((k) => [k.kommunenummer, k])),
    ansatt: new Map(d.ansatte.map((a) => [a.navident, a])),
  }
}

/** The bearer token of a request, or null when there is none. */
export function bearer(request: FastifyRequest): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
  return m?.[1] ?? null
}

/** True when the request carries a token acceptable for this identity provider. */
export function gyldigToken(
  ctx: SimulatorKontekst,
  request: FastifyRequest,
  idp: 'entra_id' | 'maskinporten',
): boolean {
  const token = bearer(request)
  if (token === null) return false
  return !ctx.opts.strengeTokens || ctx.tilstand.tokenUtstedtFor(token) === idp
}
