// The protection layer on its own: sharing calls in flight, leaving a shared call, breakers.
import t from 'tap'
import { Brytere, BryterApen, Samkjoring, vernetPersonRegister, vernetFiks } from '../../src/sources/vern.js'
import { KildeFeil, RegisterFeil } from '../../src/sources/ports.js'
import { somKildeFeil } from '../../src/sources/http.js'
import { hentStonadsopplysninger } from '../../src/oppslag/innhenting.js'
import type { Tillatelse } from '../../src/access/regler.js'
import type { FiksDigisos, PersonRegister } from '../../src/sources/ports.js'
import { TOM_FAGSYSTEMDATA } from '../../src/sources/fagsystem/port.js'

const feil = () => new Error('avbrutt')

t.test('equal keys share one call, its answer and its sporingsIds; other keys do not', async (t) => {
  const delt: string[] = []
  const s = new Samkjoring((u) => delt.push(u))
  let kall = 0
  // Every call stays in flight until all three have been made.
  let slipp: () => void = () => {}
  const alleStartet = new Promise<void>((ok) => {
    slipp = ok
  })
  const hent = async (ctx: { sporing?: string[] }) => {
    kall++
    ctx.sporing?.push(`spor-${kall}`)
    await alleStartet
    return { n: kall }
  }
  const a = { callId: 'a', sporing: [] as string[] }
  const b = { callId: 'b', sporing: [] as string[] }
  const c = { callId: 'c', sporing: [] as string[] }
  const kallene = [
    s.del('fiks', 'x', a, hent, feil),
    s.del('fiks', 'x', b, hent, feil),
    s.del('fiks', 'y', c, hent, feil),
  ]
  slipp()
  const [ra, rb, rc] = await Promise.all(kallene)
  t.equal(kall, 2)
  t.equal(ra, rb, 'the same answer')
  t.not(ra, rc)
  t.same(a.sporing, ['spor-1'])
  t.same(b.sporing, ['spor-1'], "the joining caller reports the shared call's sporingsId")
  t.same(c.sporing, ['spor-2'])
  t.same(delt, ['fiks'])
  t.equal(s.antall, 0, 'nothing left in flight')
  await s.del('fiks', 'x', a, hent, feil)
  t.equal(kall, 3, 'a finished call is not reused')
})

t.test(
  'a caller past its deadline leaves; the call goes on for the others, and is aborted when all have left',
  async (t) => {
    const s = new Samkjoring()
    let avbruttUnder = false
    // The upstream answers when the test says so; the deadlines pass when the test aborts them.
    let svar: (verdi: string) => void = () => {}
    const hent = (ctx: { signal?: AbortSignal }) =>
      new Promise<string>((ok, nei) => {
        svar = ok
        ctx.signal?.addEventListener('abort', () => {
          avbruttUnder = true
          nei(new Error('aborted'))
        })
      })
    const kort = new AbortController()
    const forstKall = s.del('pdl', 'k', { callId: '1', signal: kort.signal }, hent, feil)
    const andreKall = s.del('pdl', 'k', { callId: '2' }, hent, feil)
    kort.abort(new DOMException('fristen gikk ut', 'TimeoutError'))
    const [forst] = await Promise.allSettled([forstKall])
    svar('svar')
    const [andre] = await Promise.allSettled([andreKall])
    t.equal(forst?.status, 'rejected')
    t.equal((forst as PromiseRejectedResult).reason.message, 'avbrutt', "the caller's own deadline error")
    t.same(andre, { status: 'fulfilled', value: 'svar' }, 'the other still gets the answer')
    t.notOk(avbruttUnder)

    const frister = [new AbortController(), new AbortController()]
    const begge = Promise.allSettled(
      frister.map((f, i) => s.del('pdl', 'k2', { callId: String(3 + i), signal: f.signal }, hent, feil)),
    )
    for (const f of frister) f.abort(new DOMException('fristen gikk ut', 'TimeoutError'))
    const alleForlater = await begge
    t.same(
      alleForlater.map((r) => r.status),
      ['rejected', 'rejected'],
    )
    t.ok(avbruttUnder, 'the upstream call is aborted once nobody waits for it')
    t.equal(s.antall, 0)
    await t.rejects(s.del('pdl', 'k3', { callId: '5', signal: AbortSignal.abort() }, hent, feil), {
      message: 'avbrutt',
    })
  },
)

t.test(
  'breaker: consecutive failures open it; other errors do not count; half-open lets one probe through',
  async (t) => {
    const endringer: string[] = []
    let na = Date.now()
    const b = new Brytere({
      feilPaRad: 2,
      apenMs: 100,
      na: () => na,
      vedEndring: (u, k, s) => endringer.push(`${u}${k ? `:${k}` : ''}=${s}`),
    })
    const tell = (e: Error) => e.message === 'teller'
    await t.rejects(
      b.kjor('pdl', null, tell, async () => {
        throw new Error('teller ikke')
      }),
    )
    await t.rejects(
      b.kjor('pdl', null, tell, async () => {
        throw new Error('teller ikke')
      }),
    )
    t.equal(b.tilstand('pdl'), 'lukket', 'errors that are not faults do not open it')
    await t.rejects(
      b.kjor('pdl', null, tell, async () => {
        throw new Error('teller')
      }),
    )
    await t.rejects(
      b.kjor('pdl', null, tell, async () => {
        throw new Error('teller')
      }),
    )
    t.equal(b.tilstand('pdl'), 'apen')
    let kalt = false
    await t.rejects(
      b.kjor('pdl', null, tell, async () => {
        kalt = true
      }),
      BryterApen,
    )
    t.notOk(kalt)
    na += 99
    await t.rejects(
      b.kjor('pdl', null, tell, async () => {
        kalt = true
      }),
      BryterApen,
      'still open just before its open time ends',
    )
    t.notOk(kalt)
    na += 1
    const rekkefolge: string[] = []
    let slippProbe = () => {}
    const probeHenger = new Promise<void>((ok) => {
      slippProbe = ok
    })
    const probe = b.kjor('pdl', null, tell, async () => {
      await probeHenger
      rekkefolge.push('probe')
      return 'ok'
    })
    const nesteKall = b.kjor('pdl', null, tell, async () => {
      rekkefolge.push('neste')
      return 'neste'
    })
    slippProbe()
    t.equal(await probe, 'ok')
    t.equal(await nesteKall, 'neste')
    t.same(rekkefolge, ['probe', 'neste'], 'while the probe is out, others wait for its outcome instead of piling on')
    t.equal(b.tilstand('pdl'), 'lukket')
    t.equal(b.tilstand('kommune', '0301'), 'lukket', 'an unknown breaker is closed')
    t.same(endringer, ['pdl=lukket', 'pdl=apen', 'pdl=halvapen', 'pdl=lukket'])
  },
)

t.test('fan-out across municipalities is bounded', async (t) => {
  const kommuner = ['0301', '1103', '3301', '4601', '5001']
  let samtidig = 0
  let topp = 0
  const fiks: FiksDigisos = {
    hentSaker: async () =>
      kommuner.map((k, i) => ({
        fiksDigisosId: `sak-${i}`,
        sokerFnr: '14839010150',
        fiksOrgId: null,
        kommunenummer: k,
        sistEndret: Date.now(),
        originalSoknadNAV: null,
        digisosSoker: null,
        tilleggsinformasjon: null,
      })),
    hentDokument: async () => null,
    hentKommuneInfo: async (k) => {
      topp = Math.max(topp, ++samtidig)
      // Held over a turn of the event loop, so every call the limit lets start is in flight at once.
      await new Promise((ok) => setImmediate(ok))
      samtidig--
      return {
        kommunenummer: k,
        kanMottaSoknader: true,
        kanOppdatereStatus: true,
        harMidlertidigDeaktivertMottak: false,
        harMidlertidigDeaktivertOppdateringer: false,
        harNksTilgang: true,
        behandlingsansvarlig: null,
      }
    },
    hentAlleKommuneInfo: async () => [],
  }
  const tillatelse = {
    personident: '14839010150',
    gjeldendeIdent: '14839010150',
    identer: ['14839010150'],
    kommunenummer: '0301',
    gradering: 'UGRADERT',
  } as unknown as Tillatelse
  const svar = await hentStonadsopplysninger(
    tillatelse,
    {
      fiks,
      fagsystem: { hent: async () => TOM_FAGSYSTEMDATA },
      sakMaksAlderManeder: 15,
      fristMs: 2000,
      maksSamtidigeKommuner: 2,
      maksSaker: 50,
      maksSamtidigeDokumenter: 8,
      na: Date.now,
    },
    { callId: 'c' },
  )
  t.equal(svar.data.kilder.length, 10, 'DIGISOS and FAGSYSTEM for each municipality')
  t.equal(topp, 2, 'never more than two municipalities at once')
})

t.test("breaker: what counts is each call's own test, not the test of the call that made the breaker", async (t) => {
  const b = new Brytere({ feilPaRad: 2, apenMs: 10_000 })
  const aldri = () => false
  const alltid = () => true
  await t.rejects(
    b.kjor('kommune', '4601', aldri, async () => {
      throw new Error('fristen, ikke kommunens feil')
    }),
  )
  await t.rejects(
    b.kjor('kommune', '4601', alltid, async () => {
      throw new Error('kommunen feilet')
    }),
  )
  await t.rejects(
    b.kjor('kommune', '4601', alltid, async () => {
      throw new Error('kommunen feilet')
    }),
  )
  t.equal(b.tilstand('kommune', '4601'), 'apen', 'the later calls counted, whatever the first said')

  await t.rejects(
    b.kjor('kommune', '5001', alltid, async () => {
      throw new Error('kommunen feilet')
    }),
  )
  await t.rejects(
    b.kjor('kommune', '5001', aldri, async () => {
      throw new Error('fristen')
    }),
  )
  await t.rejects(
    b.kjor('kommune', '5001', aldri, async () => {
      throw new Error('fristen')
    }),
  )
  t.equal(b.tilstand('kommune', '5001'), 'lukket', 'and calls that say "not a fault" do not count')
})

t.test('no token is not a fault of the register or source that needed it', async (t) => {
  const v = { brytere: new Brytere({ feilPaRad: 2, apenMs: 10_000 }), samkjoring: new Samkjoring() }
  const utenToken = new RegisterFeil('token', 'UTILGJENGELIG', 'token: nede')
  const pdl: PersonRegister = {
    hentPerson: async () => {
      throw utenToken
    },
  }
  const vernet = vernetPersonRegister(pdl, v)
  for (let i = 0; i < 4; i++) await t.rejects(vernet.hentPerson('14839010150', { callId: `c${i}` }), RegisterFeil)
  t.equal(v.brytere.tilstand('pdl'), 'lukket', 'the PDL breaker stays shut while the token service is down')

  const fiks = vernetFiks(
    {
      hentSaker: async () => {
        throw somKildeFeil('fiks', utenToken)
      },
      hentDokument: async () => null,
      hentKommuneInfo: async () => {
        throw new Error('ikke brukt')
      },
    } as unknown as FiksDigisos,
    v,
  )
  for (let i = 0; i < 4; i++) await t.rejects(fiks.hentSaker('14839010150', { callId: `f${i}` }), KildeFeil)
  t.equal(v.brytere.tilstand('fiks'), 'lukket', 'nor the Fiks breaker')

  const egenFeil: PersonRegister = {
    hentPerson: async () => {
      throw new RegisterFeil('pdl', 'UTILGJENGELIG', 'pdl: nede')
    },
  }
  const vernet2 = vernetPersonRegister(egenFeil, v)
  for (let i = 0; i < 2; i++) await t.rejects(vernet2.hentPerson('14839010150', { callId: `p${i}` }))
  t.equal(v.brytere.tilstand('pdl'), 'apen', "PDL's own faults still open it")
})

t.test("a shared Fiks call holds its answer on the first caller's account (the lookup's memory budget)", async (t) => {
  // Found in review: the sharing dropped the account, so the budget never counted what a lookup keeps.
  const v = { brytere: new Brytere({ feilPaRad: 2, apenMs: 10_000 }), samkjoring: new Samkjoring() }
  const sett: unknown[] = []
  const fiks = vernetFiks(
    {
      hentSaker: async (_ident: string, ctx: { konto?: unknown }) => {
        sett.push(ctx.konto)
        return []
      },
    } as unknown as FiksDigisos,
    v,
  )
  const konto = { hold: () => true }
  await fiks.hentSaker('14839010150', { callId: 'k1', konto })
  await fiks.hentSaker('14839010150', { callId: 'k2' })
  t.same(sett, [konto, undefined], 'passed on to the call; a call without one has none')
})
