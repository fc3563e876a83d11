// Wires every upstream adapter from configuration: one keep-alive agent per upstream.
import type { Config, UpstreamNavn } from '../config.js'
import type { Fagsystem } from './fagsystem/port.js'
import { FiksIoFagsystem } from './fagsystem/fiks-io.js'
import { FiksDigisosKlient } from './fiks-digisos.js'
import { HttpKlient, SvarBudsjett } from './http.js'
import { medKommuneInfoCache } from './kommuneinfo.js'
import type { AnsattRegister, FiksDigisos, PersonRegister, SkjermingRegister } from './ports.js'
import { NomAnsattRegister, PdlPersonRegister, SkjermingPip } from './registre.js'
import { TexasTokenKilde } from './texas.js'
import {
  Brytere,
  Samkjoring,
  vernetAnsattRegister,
  vernetFagsystem,
  vernetFiks,
  vernetPersonRegister,
  vernetSkjerming,
  type BryterTilstand,
  type Vern,
} from './vern.js'

export interface Kilder {
  personer: PersonRegister
  skjerming: SkjermingRegister
  ansatte: AnsattRegister
  fiks: FiksDigisos
  fagsystem: Fagsystem
  /** The breakers, also used per municipality by the fetch. */
  brytere?: Brytere
  /** What upstream answers may hold in memory; each lookup's fetch holds an account of it. */
  budsjett?: SvarBudsjett
  /** Readiness: can the person register be reached (the access decision needs it)? */
  personregisterNar(): Promise<boolean>
  lukk(): Promise<void>
}

/** Counts only, never personal data (see plugins/metrics.ts). */
export interface KildeMalinger {
  upstream(navn: string, utfall: string, sekunder: number): void
  bryter(upstream: string, kommunenummer: string | null, tilstand: BryterTilstand): void
  delt(upstream: string): void
}

const KIB = 1024
const MIB = 1024 * KIB

/** What each upstream can legitimately send in one answer, with room to spare: a larger one is a
 *  fault, not something to parse (a parse makes many times its bytes in heap). Fiks's own
 *  per-call bounds (KommuneInfo, documents) are in fiks-digisos.ts. */
const MAKS_SVAR: Record<UpstreamNavn, number> = {
  texas: 64 * KIB,
  pdl: 512 * KIB,
  skjerming: 256 * KIB,
  nom: 64 * KIB,
  // The case list of one person: a few kB per case.
  fiks: 4 * MIB,
  'fiks-io': 2 * MIB,
}

export function byggKilder(config: Config, maling?: KildeMalinger, na?: () => number): Kilder {
  const budsjett = new SvarBudsjett(config.upstreamMaksMbUnderveis * MIB)
  const klient = (navn: UpstreamNavn, baseUrl: string) =>
    new HttpKlient({
      navn,
      baseUrl,
      tidsavbrudd: config.tidsavbrudd[navn],
      maksTilkoblinger: config.upstreamMaksTilkoblinger,
      maksSvarBytes: MAKS_SVAR[navn],
      budsjett,
      ...(maling ? { maling: maling.upstream } : {}),
    })
  const vern: Vern = {
    brytere: new Brytere({ ...config.bryter, ...(maling ? { vedEndring: maling.bryter } : {}), ...(na ? { na } : {}) }),
    samkjoring: new Samkjoring(maling?.delt),
  }
  const klienter = {
    texas: klient('texas', config.tokenEndpoint),
    pdl: klient('pdl', config.pdl.url),
    skjerming: klient('skjerming', config.skjerming.url),
    nom: klient('nom', config.nom.url),
    fiks: klient('fiks', config.fiks.digisosUrl),
    fiksIo: klient('fiks-io', config.fiks.ioUrl),
  }
  const tokens = new TexasTokenKilde(klienter.texas, vern)
  const pdl = { scope: config.pdl.scope, behandlingsnummer: config.pdl.behandlingsnummer }
  const fiks = { id: config.fiks.integrasjonId, passord: config.fiks.integrasjonPassord }
  return {
    personer: vernetPersonRegister(new PdlPersonRegister(klienter.pdl, tokens, pdl), vern),
    skjerming: vernetSkjerming(new SkjermingPip(klienter.skjerming, tokens, config.skjerming.scope), vern),
    ansatte: vernetAnsattRegister(new NomAnsattRegister(klienter.nom, tokens, config.nom.scope), vern),
    // The cache outside the sharing: a fresh KommuneInfo needs neither a call nor a shared one.
    fiks: medKommuneInfoCache(vernetFiks(new FiksDigisosKlient(klienter.fiks, tokens, fiks), vern), {
      ttlMs: config.kommuneInfoCacheMs,
      ...(na ? { na } : {}),
    }),
    fagsystem: vernetFagsystem(
      new FiksIoFagsystem(klienter.fiksIo, tokens, Math.ceil(config.tidsavbrudd['fiks-io'].hodeMs / 1000)),
      vern,
    ),
    brytere: vern.brytere,
    budsjett,
    personregisterNar: () => klienter.pdl.nar(),
    lukk: async () => {
      await Promise.all(Object.values(klienter).map((k) => k.close()))
    },
  }
}
