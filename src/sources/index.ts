// Wires every upstream adapter from configuration: one keep-alive agent per upstream.
import type { Config } from '../config.js'
import type { Fagsystem } from './fagsystem/port.js'
import { FiksIoFagsystem } from './fagsystem/fiks-io.js'
import { FiksDigisosKlient } from './fiks-digisos.js'
import { HttpKlient, type HttpKlientValg } from './http.js'
import type { AnsattRegister, FiksDigisos, PersonRegister, SkjermingRegister } from './ports.js'
import { NomAnsattRegister, PdlPersonRegister, SkjermingPip } from './registre.js'
import { TexasTokenKilde } from './texas.js'

export interface Kilder {
  personer: PersonRegister
  skjerming: SkjermingRegister
  ansatte: AnsattRegister
  fiks: FiksDigisos
  fagsystem: Fagsystem
  /** Readiness: can the person register be reached (the access decision needs it)? */
  personregisterNar(): Promise<boolean>
  lukk(): Promise<void>
}

export function byggKilder(config: Config, maling?: HttpKlientValg['maling']): Kilder {
  const ms = config.upstreamTidsavbruddMs
  const klient = (navn: string, baseUrl: string) => new HttpKlient({ navn, baseUrl, tidsavbruddMs: ms, ...(maling ? { maling } : {}) })
  const klienter = {
    texas: klient('texas', config.tokenEndpoint),
    pdl: klient('pdl', config.pdl.url),
    skjerming: klient('skjerming', config.skjerming.url),
    nom: klient('nom', config.nom.url),
    fiks: klient('fiks', config.fiks.digisosUrl),
    fiksIo: klient('fiks-io', config.fiks.ioUrl),
  }
  const tokens = new TexasTokenKilde(klienter.texas)
  return {
    personer: new PdlPersonRegister(klienter.pdl, tokens, { scope: config.pdl.scope, behandlingsnummer: config.pdl.behandlingsnummer }),
    skjerming: new SkjermingPip(klienter.skjerming, tokens, config.skjerming.scope),
    ansatte: new NomAnsattRegister(klienter.nom, tokens, config.nom.scope),
    fiks: new FiksDigisosKlient(klienter.fiks, tokens, { id: config.fiks.integrasjonId, passord: config.fiks.integrasjonPassord }),
    fagsystem: new FiksIoFagsystem(klienter.fiksIo, tokens, Math.ceil(ms / 1000)),
    personregisterNar: () => klienter.pdl.nar(),
    lukk: async () => {
      await Promise.all(Object.values(klienter).map((k) => k.close()))
    },
  }
}
