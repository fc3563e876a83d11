// The lookup flow: the one path from a request to case data. A lookup is created only from a
// Permit of the access rules; data is read only through a session holding that Permit; and every
// decision and read is committed to the audit log before the response leaves.
import {
  forhandsvurder,
  vurder,
  vurderLesing,
  type Fakta,
  type Grupper,
  type Regel,
  type Saksbehandler,
  type Tillatelse,
} from '../access/regler.js'
import { isoFormaterer, nyHendelse, type AuditHendelse, type AuditStore } from '../audit/port.js'
import { KATEGORIER, type Kategori } from '../domain/model.js'
import { validerPersonident } from '../domain/personident.js'
import { Problem, type Feilkode } from '../feil.js'
import {
  RegisterFeil,
  type AnsattRegister,
  type KallKontekst,
  type PersonRegister,
  type SkjermingRegister,
} from '../sources/ports.js'
import type { Person } from '../domain/person.js'
import { hentStonadsopplysninger, ManglendeKilder, type InnhentingAvhengigheter } from './innhenting.js'
import type { DeltSesjonLager, SesjonMetadata } from './delte.js'
import { komprimer, type Kompakt } from './kompakt.js'
import { kilderKomplette, type OppslagSesjon, type OppslagSesjoner } from './sesjoner.js'

export interface OppslagAvhengigheter extends InnhentingAvhengigheter {
  personer: PersonRegister
  skjerming: SkjermingRegister
  ansatte: AnsattRegister
  audit: AuditStore
  sesjoner: OppslagSesjoner
  /** Several replicas: the lookups' metadata shared through this store (null: this replica only). */
  delte?: DeltSesjonLager | null
  grupper: Grupper
  instans: string
  /** The register calls of one access decision answer within this, retries included. */
  tilgangFristMs: number
  /** Counts only (metrics): the deciding rule's code or Permit, and cache hits and misses. */
  beslutning?: (kode: string) => void
  cacheUtfall?: (utfall: 'treff' | 'bom') => void
}

export interface Lest {
  utloper: string
  /** The validated, serialized data (see ./kompakt.ts). */
  kompakt: Kompakt
}

export class OppslagService {
  /** Expiry times as shown to the client, formatted once per millisecond. */
  private readonly utloperTid = isoFormaterer()

  constructor(private readonly avh: OppslagAvhengigheter) {}

  private hendelse(
    s: Saksbehandler,
    callId: string,
    felt: Pick<AuditHendelse, 'handling' | 'beslutning'> & Partial<AuditHendelse>,
  ): AuditHendelse {
    return nyHendelse({ tid: this.avh.na(), navident: s.navident, callId, instans: this.avh.instans }, felt)
  }

  private async avvis(
    s: Saksbehandler,
    callId: string,
    kode: Feilkode,
    personident: string | null,
    henvendelseId: string | null,
    gjeldendeIdent: string | null = null,
  ): Promise<never> {
    this.avh.beslutning?.(kode)
    await this.avh.audit.skriv([
      this.hendelse(s, callId, {
        handling: 'OPPSLAG_START',
        beslutning: 'Deny',
        regel: kode,
        personident,
        gjeldendeIdent,
        henvendelseId,
      }),
    ])
    throw new Problem(kode)
  }

  /** Runs the access rules and, on Permit, opens a lookup session. */
  async start(
    s: Saksbehandler,
    personident: string,
    henvendelseId: string | null,
    callId: string,
  ): Promise<{ oppslagId: string; utloper: string }> {
    const gyldig = validerPersonident(personident).gyldig
    // An invalid ident is not stored: it may be a real person's mistyped number.
    const loggetIdent = gyldig ? personident : null
    const foresporsel = { saksbehandler: s, henvendelseId, personident }
    const tidlig: Regel | null = forhandsvurder(foresporsel, this.avh.grupper)
    if (tidlig) return this.avvis(s, callId, tidlig.kode, loggetIdent, henvendelseId)
    if (!gyldig) return this.avvis(s, callId, 'UGYLDIG_PERSONIDENT', null, henvendelseId)

    let fakta: Fakta
    try {
      // Fail closed in time: a register that does not answer by the deadline is a fault (503).
      fakta = await this.fakta(personident, s.navident, {
        callId,
        signal: AbortSignal.timeout(this.avh.tilgangFristMs),
      })
    } catch (e) {
      if (e instanceof RegisterFeil) {
        await this.avh.audit.skriv([
          this.hendelse(s, callId, {
            handling: 'OPPSLAG_START',
            beslutning: 'Deny',
            regel: 'REGISTER_UTILGJENGELIG',
            personident,
            henvendelseId,
          }),
        ])
      }
      throw e
    }
    const beslutning = vurder(foresporsel, fakta, this.avh.grupper)
    const gjeldendeIdent = fakta.person?.gjeldendeIdent ?? null
    if (beslutning.utfall === 'Deny')
      return this.avvis(s, callId, beslutning.regel.kode, personident, henvendelseId, gjeldendeIdent)

    this.avh.beslutning?.('Permit')
    const sesjon = this.avh.sesjoner.opprett(beslutning.tillatelse)
    try {
      // Known to every replica before anyone is told its id.
      await this.avh.delte?.opprett(sesjon.oppslagId, sesjon.tillatelse, sesjon.utloperSenest)
    } catch (e) {
      this.avh.sesjoner.avslutt(sesjon.oppslagId)
      // The registers were asked about the person: on record, as a lookup that was not started.
      await this.avh.audit.skriv([
        this.hendelse(s, callId, {
          handling: 'OPPSLAG_START',
          beslutning: 'Deny',
          regel: 'OPPSLAG_LAGER_UTILGJENGELIG',
          personident,
          gjeldendeIdent,
          henvendelseId,
        }),
      ])
      throw new Problem('OPPSLAG_LAGER_UTILGJENGELIG', e)
    }
    await this.avh.audit
      .skriv([
        this.hendelse(s, callId, {
          handling: 'OPPSLAG_START',
          beslutning: 'Permit',
          // A permit that needed a lifting group names the rule it lifted, for control (avvik).
          regel: beslutning.loftet.length > 0 ? beslutning.loftet.join(',') : null,
          personident,
          gjeldendeIdent,
          henvendelseId,
        }),
      ])
      .catch(async (e: unknown) => {
        // Not on record: the lookup must not exist either.
        this.avh.sesjoner.avslutt(sesjon.oppslagId)
        await this.avh.delte?.avslutt(sesjon.oppslagId).catch(() => undefined)
        throw e
      })
    return { oppslagId: sesjon.oppslagId, utloper: new Date(sesjon.utloperSenest).toISOString() }
  }

  /** Facts for the rules, gathered in parallel. Any register fault throws RegisterFeil.
   *  Skjerming is asked for the typed ident at once, beside PDL; only a person PDL knows by more
   *  idents costs a second pip call, for the idents not yet asked (DESIGN §4). The employee's idents
   *  come with their PDL answer, so habilitet compares sets without a call of its own. */
  private async fakta(personident: string, navident: string, ctx: KallKontekst): Promise<Fakta> {
    const ansattPerson = async (): Promise<Person | null> => {
      const ident = await this.avh.ansatte.hentPersonident(navident, ctx)
      if (ident === null) return null
      // The employee unknown to PDL still has an ident to compare with directly.
      return (await this.avh.personer.hentPerson(ident, ctx)) ?? ukjentPerson(ident)
    }
    const [person, skjermetTypet, ansatt] = await Promise.all([
      this.avh.personer.hentPerson(personident, ctx),
      this.avh.skjerming.erSkjermet([personident], ctx),
      ansattPerson(),
    ])
    const ovrige = person?.identer.filter((i) => i !== personident) ?? []
    const skjermet = skjermetTypet || (ovrige.length > 0 && (await this.avh.skjerming.erSkjermet(ovrige, ctx)))
    return { person, skjermet, ansatt }
  }

  /** The caller's own live lookup. With a shared store, every use asks it: a lookup ended or
   *  expired on another replica is gone here too, whatever this replica still holds. A miss is
   *  audited (an id tried by the wrong employee names the person it was about) and answers the
   *  same 404 whatever the cause. */
  private async sesjon(
    s: Saksbehandler,
    oppslagId: string,
    handling: 'LES' | 'AVSLUTT',
    callId: string,
  ): Promise<OppslagSesjon> {
    const delte = this.avh.delte
    if (!delte) {
      const lokal = this.avh.sesjoner.hent(oppslagId, s.navident)
      if (!lokal)
        return this.ukjentOppslag(s, handling, callId, this.avh.sesjoner.annensTillatelse(oppslagId, s.navident))
      return lokal
    }
    let meta: SesjonMetadata | null
    try {
      meta = await delte.hent(oppslagId, s.navident)
    } catch (e) {
      throw new Problem('OPPSLAG_LAGER_UTILGJENGELIG', e)
    }
    if (!meta) {
      // Gone (or never this employee's): drop only a copy that was this employee's.
      if (this.avh.sesjoner.hent(oppslagId, s.navident)) this.avh.sesjoner.avslutt(oppslagId)
      let annens: Tillatelse | null
      try {
        annens = await delte.annensTillatelse(oppslagId, s.navident)
      } catch (e) {
        throw new Problem('OPPSLAG_LAGER_UTILGJENGELIG', e)
      }
      return this.ukjentOppslag(s, handling, callId, annens)
    }
    // Asked after the store answered: two reads restoring the same lookup at once share one copy
    // (and with it one fetch).
    return (
      this.avh.sesjoner.hent(oppslagId, s.navident) ??
      this.avh.sesjoner.gjenopprett(oppslagId, meta.tillatelse, meta.utloperSenest)
    )
  }

  /** An unknown, ended or expired id, or another employee's lookup: on record, then 404. */
  private async ukjentOppslag(
    s: Saksbehandler,
    handling: 'LES' | 'AVSLUTT',
    callId: string,
    annens: Tillatelse | null,
  ): Promise<never> {
    await this.avh.audit.skriv([
      this.hendelse(s, callId, {
        handling,
        beslutning: 'Deny',
        regel: annens ? 'OPPSLAG_ANNEN_ANSATT' : 'OPPSLAG_UTLOPT',
        personident: annens?.personident ?? null,
        gjeldendeIdent: annens?.gjeldendeIdent ?? null,
      }),
    ])
    throw new Problem('OPPSLAG_UTLOPT')
  }

  /** Reads one category, or all (kategori null), of the caller's own lookup. */
  async les(s: Saksbehandler, oppslagId: string, kategori: Kategori | null, callId: string): Promise<Lest> {
    const sesjon = await this.sesjon(s, oppslagId, 'LES', callId)
    const t = sesjon.tillatelse
    const kategorier = kategori ? [kategori] : [...KATEGORIER]
    // Rules 1–3 and every lift the lookup needed, on every read: a token that lost a group loses
    // the lookup too.
    const avvist = vurderLesing(s, t, this.avh.grupper)
    if (avvist) {
      this.avh.beslutning?.(avvist.kode)
      await this.avh.audit.skriv([
        this.hendelse(s, callId, {
          handling: 'LES',
          beslutning: 'Deny',
          regel: avvist.kode,
          personident: t.personident,
          gjeldendeIdent: t.gjeldendeIdent,
          henvendelseId: t.henvendelseId,
        }),
      ])
      throw new Problem(avvist.kode)
    }

    let innhentet: Kompakt
    let kilde: 'cache' | 'upstream'
    this.avh.cacheUtfall?.(sesjon.innhentet ? 'treff' : 'bom')
    if (sesjon.innhentet) {
      innhentet = sesjon.innhentet
      kilde = 'cache'
    } else {
      innhentet = await this.innhent(sesjon, callId)
      kilde = 'upstream'
    }
    await this.avh.audit.skriv(
      kategorier.map((k) =>
        this.hendelse(s, callId, {
          handling: 'LES',
          beslutning: 'Permit',
          kategori: k,
          personident: t.personident,
          gjeldendeIdent: t.gjeldendeIdent,
          henvendelseId: t.henvendelseId,
          kilde,
          sporingsIder: kilde === 'upstream' ? innhentet.sporing : [],
        }),
      ),
    )
    // Cached only once a read of it is on record with the sporingsIds that fetched it; only a
    // complete result, so a municipality that was down is asked again on the next read.
    // Readers that shared one fetch store it once.
    if (kilde === 'upstream' && sesjon.innhentet !== innhentet && kilderKomplette(innhentet.kilder))
      this.avh.sesjoner.lagre(sesjon, innhentet)
    return { utloper: this.utloperTid(this.avh.sesjoner.utloper(sesjon)), kompakt: innhentet }
  }

  /** One fetch per session at a time; concurrent reads share it. */
  private innhent(sesjon: OppslagSesjon, callId: string): Promise<Kompakt> {
    if (sesjon.underveis) return sesjon.underveis
    const underveis = hentStonadsopplysninger(sesjon.tillatelse as Tillatelse, this.avh, { callId })
      .then(komprimer)
      .catch((e: unknown) => {
        if (e instanceof ManglendeKilder) throw new Problem('KILDER_UTILGJENGELIG', e)
        throw e
      })
      .finally(() => {
        sesjon.underveis = null
      })
    sesjon.underveis = underveis
    return underveis
  }

  /** Ends the lookup: its data is purged at once, then the end is recorded. */
  async avslutt(s: Saksbehandler, oppslagId: string, callId: string): Promise<void> {
    const sesjon = await this.sesjon(s, oppslagId, 'AVSLUTT', callId)
    this.avh.sesjoner.avslutt(sesjon.oppslagId)
    try {
      // Gone for every replica; the announcement makes each drop its cached data at once.
      await this.avh.delte?.avslutt(sesjon.oppslagId)
    } catch (e) {
      throw new Problem('OPPSLAG_LAGER_UTILGJENGELIG', e)
    }
    await this.avh.audit.skriv([
      this.hendelse(s, callId, {
        handling: 'AVSLUTT',
        beslutning: 'Permit',
        personident: sesjon.tillatelse.personident,
        gjeldendeIdent: sesjon.tillatelse.gjeldendeIdent,
        henvendelseId: sesjon.tillatelse.henvendelseId,
      }),
    ])
  }
}

function ukjentPerson(personident: string): Person {
  return {
    personident,
    gjeldendeIdent: personident,
    identer: [personident],
    gradering: 'UGRADERT',
    doed: false,
    foreldre: [],
    barn: [],
    partnere: [],
    geografiskTilknytning: { gtType: 'UDEFINERT', kommunenummer: null },
  }
}
