// The fagsystem port over our FIKS request/response protocol (./protocol.ts).
import { randomUUID } from 'node:crypto'
import { somKildeFeil, type HttpKlient, type HttpSvar } from '../http.js'
import { FIKS_SCOPE } from '../fiks-digisos.js'
import { KildeFeil, type KallKontekst, type TokenKilde } from '../ports.js'
import { DIALEKTER } from './dialekter/index.js'
import { TOM_FAGSYSTEMDATA, type DialektAdapter, type Fagsystem, type FagsystemData } from './port.js'
import { FIKS_IO_STI, Feilsvar, MELDING_FORESPORSEL, PROTOKOLL_VERSJON, Svar, type Foresporsel } from './protocol.js'

export class FiksIoFagsystem implements Fagsystem {
  constructor(
    private readonly http: HttpKlient,
    private readonly tokens: TokenKilde,
    private readonly ttlSekunder: number,
    private readonly dialekter: Readonly<Record<string, DialektAdapter>> = DIALEKTER,
  ) {}

  async hent(kommunenummer: string, personident: string, ctx: KallKontekst): Promise<FagsystemData> {
    const foresporsel: Foresporsel = {
      versjon: PROTOKOLL_VERSJON,
      meldingType: MELDING_FORESPORSEL,
      meldingId: randomUUID(),
      sporingsId: randomUUID(),
      mottaker: { kommunenummer },
      ttlSekunder: this.ttlSekunder,
      data: { personident },
    }
    ctx.sporing?.push(foresporsel.sporingsId)
    let svar: HttpSvar
    try {
      const token = await this.tokens.token('maskinporten', FIKS_SCOPE, ctx)
      svar = await this.http.kall({
        method: 'POST',
        idempotent: true, // a read: safe to repeat
        path: FIKS_IO_STI,
        headers: { authorization: `Bearer ${token}`, 'nav-call-id': ctx.callId },
        body: foresporsel,
        signal: ctx.signal,
        konto: ctx.konto,
      })
    } catch (e) {
      throw somKildeFeil('fagsystem', e)
    }
    // 404: the municipality has connected no fagsystem; it simply has nothing of this kind for us.
    if (svar.status === 404) return TOM_FAGSYSTEMDATA
    if (svar.status !== 200) throw new KildeFeil('fagsystem', 'UTILGJENGELIG', `fiks-io: status ${svar.status}`)

    const feil = Feilsvar.safeParse(svar.data)
    if (feil.success) {
      if (feil.data.svarPaMelding === foresporsel.meldingId && feil.data.kode === 'PERSON_UKJENT')
        return TOM_FAGSYSTEMDATA
      throw new KildeFeil('fagsystem', 'UTILGJENGELIG', `fiks-io: feilsvar ${feil.data.kode}`)
    }
    const tolket = Svar.safeParse(svar.data)
    if (!tolket.success) throw new KildeFeil('fagsystem', 'UGYLDIG_SVAR', 'fiks-io: uventet svarformat')
    const s = tolket.data
    // A reply to another message or from another municipality is never used: it could be about
    // someone else.
    if (s.svarPaMelding !== foresporsel.meldingId || s.avsender.kommunenummer !== kommunenummer) {
      throw new KildeFeil('fagsystem', 'UGYLDIG_SVAR', 'fiks-io: svaret hører ikke til forespørselen')
    }
    const adapter = this.dialekter[s.avsender.dialekt]
    if (!adapter) throw new KildeFeil('fagsystem', 'UGYLDIG_SVAR', `fiks-io: ukjent dialekt`)
    let data: FagsystemData | null
    try {
      data = adapter(s.data, personident, kommunenummer)
    } catch {
      throw new KildeFeil('fagsystem', 'UGYLDIG_SVAR', `fiks-io: ugyldig ${s.avsender.dialekt}-innhold`)
    }
    if (data === null) throw new KildeFeil('fagsystem', 'UGYLDIG_SVAR', 'fiks-io: svaret gjelder en annen person')
    return data
  }
}
