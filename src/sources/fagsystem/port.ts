// The fagsystem port: KVP with kvalifiseringsstønad, midlertidig bolig, and the account and
// address the municipality holds — the facts Digisos does not carry.
import type { Adresse, Konto, Kvalifiseringsprogram, MidlertidigBolig } from '../../domain/model.js'
import type { KallKontekst } from '../ports.js'

export interface FagsystemData {
  kontoer: Konto[]
  adresser: Adresse[]
  kvalifiseringsprogram: Kvalifiseringsprogram[]
  midlertidigBolig: MidlertidigBolig[]
}

export const TOM_FAGSYSTEMDATA: FagsystemData = Object.freeze({
  kontoer: [],
  adresser: [],
  kvalifiseringsprogram: [],
  midlertidigBolig: [],
}) as FagsystemData

export interface Fagsystem {
  /** The person's data in that municipality's fagsystem; empty when it has no such client or no
   *  fagsystem connected. Throws KildeFeil when it cannot answer. */
  hent(kommunenummer: string, personident: string, ctx: KallKontekst): Promise<FagsystemData>
}

/** A dialect adapter: turns one vendor's payload into the canonical model. Returns null when the
 *  payload is about another person (then nothing of it may be shown). Throws on a malformed one. */
export type DialektAdapter = (data: unknown, personident: string, kommunenummer: string) => FagsystemData | null
