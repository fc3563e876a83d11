// Every read re-checks (DESIGN §4): rules 1–3 and every lift the lookup needed run again on each
// read, so a lookup a group lifted is readable only by a token that still carries that group —
// through HTTP on the built service, with this replica's sessions and with the shared store.
import t, { type Test } from 'tap'
import { build, GRUPPER, type Bygget } from '../helper.js'
import { krevPostgres, medSkjema, PG_URL } from '../postgres.js'

const LOFTEDE: [string, string, string][] = [
  ['kode6', 'AVVIST_STRENGT_FORTROLIG_ADRESSE', GRUPPER.strengtFortrolig],
  ['kode6-utland', 'AVVIST_STRENGT_FORTROLIG_UTLAND', GRUPPER.strengtFortrolig],
  ['kode7-midlertidig-bolig', 'AVVIST_FORTROLIG_ADRESSE', GRUPPER.fortrolig],
  ['skjermet', 'AVVIST_SKJERMING', GRUPPER.egneAnsatte],
]

async function lofterKreves(t: Test, b: Bygget): Promise<void> {
  for (const [tag, kode, lofter] of LOFTEDE) {
    const medGruppe = await b.token('Z990009', [GRUPPER.nks, lofter])
    const start = await b.startOppslag(tag, { token: medGruppe })
    t.equal(start.status, 201, `${tag}: started with the lifting group`)
    const id = start.body.oppslagId as string
    t.equal(
      (await b.kall('GET', `/api/v1/oppslag/${id}/okonomisk-sosialhjelp`, { token: medGruppe })).status,
      200,
      `${tag}: read with it`,
    )

    // The same employee, a fresh token without the group (e.g. the group was taken away).
    const utenGruppe = await b.token('Z990009', [GRUPPER.nks])
    for (const sti of [`/api/v1/oppslag/${id}`, `/api/v1/oppslag/${id}/konto`]) {
      const les = await b.kall('GET', sti, { token: utenGruppe })
      t.equal(les.status, 403, `${tag} ${sti}: refused without the group`)
      t.equal(les.body?.code, kode, `${tag}: the lifted rule's code`)
      t.notOk(les.tekst.includes('"data"'), `${tag}: no data`)
      t.match(
        (await b.hendelser()).at(-1),
        {
          handling: 'LES',
          beslutning: 'Deny',
          regel: kode,
          navident: 'Z990009',
          personident: b.ident(tag),
          henvendelseId: 'HENV-1',
        },
        `${tag}: audited as a Deny`,
      )
    }
    // Another lifting group is no substitute.
    const annen = [GRUPPER.strengtFortrolig, GRUPPER.fortrolig, GRUPPER.egneAnsatte].find((g) => g !== lofter) as string
    t.equal(
      (await b.kall('GET', `/api/v1/oppslag/${id}`, { token: await b.token('Z990009', [GRUPPER.nks, annen]) })).body
        ?.code,
      kode,
      `${tag}: another group does not lift it`,
    )
    // The lookup itself is not lost: with the group back, it reads again.
    t.equal(
      (await b.kall('GET', `/api/v1/oppslag/${id}/konto`, { token: medGruppe })).status,
      200,
      `${tag}: readable again with the group`,
    )
  }
  // A lookup that needed no lift needs no group on reading.
  const vanlig = await b.startOppslag('uten-saker', {
    token: await b.token('Z990009', [GRUPPER.nks, GRUPPER.fortrolig]),
  })
  t.equal(
    (
      await b.kall('GET', `/api/v1/oppslag/${vanlig.body.oppslagId}`, {
        token: await b.token('Z990009', [GRUPPER.nks]),
      })
    ).status,
    200,
  )
}

iBeggeLagre('a lifted lookup is readable only by a token that still carries the lifting group', lofterKreves)

async function forsokAuditeres(t: Test, b: Bygget): Promise<void> {
  const start = await b.startOppslag('ugradert-to-kommuner')
  const id = start.body.oppslagId as string
  const annen = await b.token('Z990012', [GRUPPER.nks])
  for (const [method, sti, handling] of [
    ['GET', `/api/v1/oppslag/${id}`, 'LES'],
    ['GET', `/api/v1/oppslag/${id}/konto`, 'LES'],
    ['DELETE', `/api/v1/oppslag/${id}`, 'AVSLUTT'],
  ] as const) {
    const svar = await b.kall(method, sti, { token: annen })
    t.equal(svar.status, 404, `${method} ${sti}: another employee gets 404`)
    t.equal(svar.body?.code, 'OPPSLAG_UTLOPT')
    t.match(
      (await b.hendelser()).at(-1),
      {
        handling,
        beslutning: 'Deny',
        regel: 'OPPSLAG_ANNEN_ANSATT',
        navident: 'Z990012',
        personident: b.ident('ugradert-to-kommuner'),
      },
      `${method}: the attempt is on record, with the person it was about`,
    )
  }
  t.equal((await b.kall('GET', `/api/v1/oppslag/${id}/konto`)).status, 200, 'the owner still reads it')

  const ukjent = 'A'.repeat(43)
  for (const [method, handling] of [
    ['GET', 'LES'],
    ['DELETE', 'AVSLUTT'],
  ] as const) {
    const svar = await b.kall(method, `/api/v1/oppslag/${ukjent}`, { token: annen })
    t.equal(svar.status, 404)
    t.match(
      (await b.hendelser()).at(-1),
      { handling, beslutning: 'Deny', regel: 'OPPSLAG_UTLOPT', navident: 'Z990012', personident: null },
      `${method}: an unknown id is on record`,
    )
  }
  // Ended: the owner's next try is on record too, naming no one.
  t.equal((await b.kall('DELETE', `/api/v1/oppslag/${id}`)).status, 204)
  t.equal((await b.kall('GET', `/api/v1/oppslag/${id}`)).status, 404)
  t.match((await b.hendelser()).at(-1), {
    handling: 'LES',
    beslutning: 'Deny',
    regel: 'OPPSLAG_UTLOPT',
    navident: 'Z990009',
    personident: null,
  })
}

iBeggeLagre("an attempt at another employee's or an unknown lookup is audited", forsokAuditeres)

/** `pruve` on a service holding its lookups in this process, and again in the shared store
 *  (several replicas). */
function iBeggeLagre(navn: string, pruve: (t: Test, b: Bygget) => Promise<void>): void {
  t.test(navn, async (t) => pruve(t, await build(t)))
  t.test(`${navn}, with the lookups in the shared store`, async (t) => {
    if (!(await krevPostgres(t))) return
    const { skjema } = await medSkjema(t)
    await pruve(t, await build(t, { miljo: { SESJON_STORE: `${PG_URL}?schema=${skjema}` } }))
  })
}
