// The contract every AuditStore must keep (DESIGN §6), run against each implementation by its own
// test file. Tampering is done the way an attacker with database access would: through the
// database's own client, switching the append-only triggers off first.
import { createHash } from 'node:crypto'
import { unokletHash } from './unoklet.js'
import type { Test } from 'tap'
import { finnAvvik, settSammen, type AvvikSporring } from '../../src/audit/avvik.js'
import {
  AuditFeil,
  GENESIS_HASH,
  kjedeHash,
  sjekkpunktSignatur,
  type AuditHendelse,
  type AuditStore,
  type LagretHendelse,
} from '../../src/audit/port.js'
import { verifiserKjede } from '../../src/audit/verifiser.js'

export interface TestbarStore extends AuditStore {
  /** Transactions committed by this instance. */
  readonly antallCommits: number
}

export interface KontraktOppsett {
  store: TestbarStore
  /** Runs raw SQL (possibly several statements) through the database's own client, past the store. */
  sql(sporring: string): Promise<void>
  /** Table names to use in raw SQL (qualified where the database needs it). */
  tabell: { hendelse: string; sjekkpunkt: string }
  /** What an attacker with database access does first: switches the append-only triggers off. */
  slaAvTriggere(): Promise<void>
  /** Makes the database refuse inserts of events with this navident (a failing commit). */
  hindreSkriving(navident: string): Promise<void>
  /** Opens another store on the same database: a restart, or a second replica (with the contract's
   *  key unless another is given). */
  apneIgjen(valg?: { nokkel?: string; migrerUnoklet?: string }): Promise<TestbarStore>
}

export type LagStore = (t: Test) => Promise<KontraktOppsett>

/** The key the contract's stores are opened with (not the development key). */
export const KONTRAKT_NOKKEL = 'kontrakt-nokkel-som-ikke-er-utviklingens-0001'
const NOKKEL = KONTRAKT_NOKKEL
const KOLONNER =
  'tid, navident, handling, kategori, personident, henvendelse_id, beslutning, regel, kilde, sporings_ider, call_id, instans'

export const tidFor = (n: number): string => new Date(Date.UTC(2026, 0, 1, 8, 0, 0) + n * 1000).toISOString()

export function hendelse(n: number, endring: Partial<AuditHendelse> = {}): AuditHendelse {
  return {
    tid: tidFor(n),
    navident: 'Z990001',
    handling: 'LES',
    kategori: 'konto',
    personident: '01918012345',
    henvendelseId: `h-${n}`,
    beslutning: 'Permit',
    regel: null,
    kilde: 'upstream',
    sporingsIder: [`s-${n}`],
    callId: `c-${n}`,
    instans: 'test-1',
    ...endring,
  }
}

function innhold(h: LagretHendelse): AuditHendelse {
  const { id: _id, forrigeHash: _f, hash: _h, ...rest } = h
  return rest
}

/** Rewrites `hendelser` past the store into the unkeyed chain (unoklet.ts unokletHash, as
 *  before AUDIT_NOKKEL), starting from `forrige`; returns the last hash. */
async function skrivUnoklet(
  sql: (sporring: string) => Promise<void>,
  tabell: string,
  hendelser: LagretHendelse[],
  forrige: string,
): Promise<string> {
  for (const x of hendelser) {
    const hash = unokletHash(forrige, innhold(x))
    await sql(`UPDATE ${tabell} SET forrige_hash = ${lit(forrige)}, hash = ${lit(hash)} WHERE id = ${x.id}`)
    forrige = hash
  }
  return forrige
}

const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`

async function skrivN(store: AuditStore, antall: number, start = 0): Promise<void> {
  await Promise.all(Array.from({ length: antall }, (_, i) => store.skriv([hendelse(start + i)])))
}

async function alle(store: AuditStore): Promise<LagretHendelse[]> {
  return store.kjede(0, 1_000_000)
}

export function kontraktTester(t: Test, navn: string, lagStore: LagStore): void {
  t.test(`${navn}: every field survives the round trip`, async (t) => {
    const { store } = await lagStore(t)
    const skrevet: AuditHendelse[] = [
      hendelse(1, {
        kategori: null,
        personident: null,
        henvendelseId: null,
        kilde: null,
        sporingsIder: [],
        handling: 'AUDIT_SOK',
      }),
      hendelse(2, {
        beslutning: 'Deny',
        regel: 'SKJERMET',
        kilde: 'cache',
        kategori: 'okonomisk-sosialhjelp',
        navident: 'Å990002',
        callId: 'kall-æøå-😀-"\'\\',
        sporingsIder: ['a', 'ø-2', '', 'x y,"z"'],
        instans: 'node-2:17',
      }),
      hendelse(3, { handling: 'OPPSLAG_START', tid: '2026-01-01T08:00:03.000Z', sporingsIder: ['{"json":[1]}'] }),
      // What array literals and JSON treat specially, as text.
      hendelse(4, {
        beslutning: 'Deny',
        regel: 'NULL',
        henvendelseId: 'null',
        sporingsIder: ['NULL', 'a\\b', '{}', '[1]', 'null'],
      }),
      // What JSON escapes, and characters it leaves as they are.
      hendelse(5, {
        regel: 'linje\nskift\ttab\u0001\u001f\u007f\u2028\u2029',
        henvendelseId: '\\u0000 som tekst',
        sporingsIder: ['\r\b\f', '\\/'],
      }),
    ]
    await store.skriv(skrevet)
    const lest = await alle(store)
    t.equal(lest.length, 5)
    t.same(lest.map(innhold), skrevet, 'byte-identical fields, nulls and arrays')
    t.strictSame(lest.map(innhold), skrevet)
    t.equal(lest[0]?.forrigeHash, GENESIS_HASH)
    let forrige = GENESIS_HASH
    for (const h of lest) {
      t.equal(h.forrigeHash, forrige)
      t.equal(h.hash, kjedeHash(NOKKEL, forrige, innhold(h)))
      forrige = h.hash
    }
    t.ok(
      lest.every((h, i) => i === 0 || h.id > (lest[i - 1] as LagretHendelse).id),
      'ids grow',
    )
    t.strictSame((await store.sok({ navident: 'Å990002', grense: 10 })).map(innhold), [skrevet[1]])
    t.equal(await store.sjekkpunkt(), null, 'no checkpoint before retention')
    await store.skriv([])
    t.equal((await alle(store)).length, 5, 'an empty write writes nothing')
  })

  t.test(`${navn}: an event no store could keep as hashed is refused alone, naming the field only`, async (t) => {
    const { store } = await lagStore(t)
    const ulagringsbare: [string, Partial<AuditHendelse>][] = [
      ['regel', { regel: 'a\u0000b' }],
      ['henvendelseId', { henvendelseId: 'x\ud800y' }],
      ['callId', { callId: 'x\udc00' }],
      ['personident', { personident: '0191801234\ud83d' }],
      ['sporingsIder', { sporingsIder: ['ok', 'a\u0000'] }],
      ['sporingsIder', { sporingsIder: null as unknown as string[] }],
      // NOT NULL in both tables: refused here rather than failing every write in its commit.
      ['navident', { navident: null as unknown as string }],
      ['callId', { callId: undefined as unknown as string }],
    ]
    let n = 0
    for (const [felt, endring] of ulagringsbare) {
      // In the same tick as a good write: the refusal is its own, the good one is committed.
      const [ugyldig, gyldig] = await Promise.allSettled([
        store.skriv([hendelse(n++), hendelse(n++, endring)]),
        store.skriv([hendelse(n++)]),
      ])
      t.equal(ugyldig.status, 'rejected', felt)
      const feil = (ugyldig as PromiseRejectedResult).reason as Error
      t.type(feil, AuditFeil)
      t.match(feil.message, new RegExp(`: ${felt}$`), 'the field is named')
      t.notMatch(feil.message, /0191801234|x|ok/, 'no value is echoed')
      t.equal(gyldig.status, 'fulfilled', `a good write beside it (${felt})`)
    }
    const lest = await alle(store)
    t.equal(lest.length, ulagringsbare.length, 'only the good writes are stored; nothing of a refused one')
    t.has(await verifiserKjede(store, { nokkel: NOKKEL }), { gyldig: true, forsteBrudd: null })
    // A nullable field left out is null, as the hash reads it: stored, not refused.
    const { regel: _utelatt, ...utenRegel } = hendelse(100, { beslutning: 'Permit' })
    await store.skriv([utenRegel as AuditHendelse])
    t.equal((await alle(store)).at(-1)?.regel, null)
  })

  t.test(`${navn}: closing refuses new writes at once and stops retention after the slice in progress`, async (t) => {
    const { store, apneIgjen } = await lagStore(t)
    await store.skriv(Array.from({ length: 300 }, (_, n) => hendelse(n)))
    const sletting = store.slettFor(tidFor(1000), 1)
    const avvist = t.rejects(sletting, /lukket/, 'retention stops, refused')
    // Until the first slice is committed (its checkpoint is there).
    while ((await store.sjekkpunkt()) === null) await new Promise((ok) => setTimeout(ok, 1))
    const lukking = store.lukk()
    await t.rejects(
      store.skriv([hendelse(1000)]),
      { name: 'AuditFeil', message: /lukket/ },
      'a write once closing has begun',
    )
    await lukking
    await avvist
    const igjen = await apneIgjen()
    const gjenstar = (await alle(igjen)).length
    t.ok(gjenstar >= 250 && gjenstar < 300, `retention stopped soon after closing began (${gjenstar} of 300 left)`)
    t.has(await verifiserKjede(igjen, { nokkel: NOKKEL }), { gyldig: true, forsteBrudd: null })
  })

  t.test(`${navn}: one valid chain under 200 concurrent writers`, async (t) => {
    const { store } = await lagStore(t)
    const kall = Array.from({ length: 200 }, (_, i) =>
      Array.from({ length: (i % 3) + 1 }, (_, j) => hendelse(i, { callId: `kall-${i}`, henvendelseId: `del-${j}` })),
    )
    const totalt = kall.reduce((sum, h) => sum + h.length, 0)
    await Promise.all(kall.map((h) => store.skriv(h)))
    const v = await verifiserKjede(store, { nokkel: NOKKEL, sidestorrelse: 97 })
    t.has(v, { gyldig: true, antall: totalt, forsteBrudd: null })
    const lest = await alle(store)
    t.equal(lest.length, totalt)
    // One call's events are committed together and in the order given.
    for (let i = 0; i < lest.length; ) {
      const h = lest[i] as LagretHendelse
      const n = kall[Number(h.callId.slice(5))]?.length ?? 0
      t.strictSame(
        lest.slice(i, i + n).map((x) => [x.callId, x.henvendelseId]),
        Array.from({ length: n }, (_, j) => [h.callId, `del-${j}`]),
      )
      i += n
    }
  })

  t.test(`${navn}: concurrent writes share commits, in bounded batches`, async (t) => {
    const { store } = await lagStore(t)
    const for1 = store.antallCommits
    await skrivN(store, 100)
    const brukt = store.antallCommits - for1
    t.ok(brukt >= 1 && brukt <= 5, `100 concurrent writes took ${brukt} commits`)
    const for2 = store.antallCommits
    await skrivN(store, 600, 100)
    const brukt2 = store.antallCommits - for2
    t.ok(brukt2 >= 3 && brukt2 <= 12, `600 concurrent writes took ${brukt2} commits (at most 256 events each)`)
    t.equal((await alle(store)).length, 700)
    // Sequential writes each commit on their own: nothing waits for company.
    const for3 = store.antallCommits
    await store.skriv([hendelse(1000)])
    await store.skriv([hendelse(1001)])
    t.equal(store.antallCommits - for3, 2)
  })

  t.test(`${navn}: search by person, employee, time and cursor`, async (t) => {
    const { store } = await lagStore(t)
    const personer = ['01918012345', '02928012345', '03938012345']
    const ansatte = ['Z990001', 'Z990002']
    const skrevet = Array.from({ length: 60 }, (_, n) =>
      hendelse(n, { personident: personer[n % 3] as string, navident: ansatte[n % 2] as string }),
    )
    for (let i = 0; i < skrevet.length; i += 7) await store.skriv(skrevet.slice(i, i + 7))
    const lagret = await alle(store)
    const forventet = (f: (h: LagretHendelse) => boolean): number[] => lagret.filter(f).map((h) => h.id)
    const ider = async (f: Parameters<AuditStore['sok']>[0]): Promise<number[]> => (await store.sok(f)).map((h) => h.id)

    t.strictSame(
      await ider({ personident: personer[1], grense: 1000 }),
      forventet((h) => h.personident === personer[1]),
    )
    t.strictSame(
      await ider({ navident: 'Z990002', grense: 1000 }),
      forventet((h) => h.navident === 'Z990002'),
    )
    t.strictSame(
      await ider({ fra: tidFor(10), til: tidFor(20), grense: 1000 }),
      forventet((h) => h.tid >= tidFor(10) && h.tid < tidFor(20)),
      'fra inclusive, til exclusive',
    )
    t.strictSame(
      await ider({ personident: personer[0], navident: 'Z990001', fra: tidFor(12), grense: 1000 }),
      forventet((h) => h.personident === personer[0] && h.navident === 'Z990001' && h.tid >= tidFor(12)),
    )
    t.strictSame(await ider({ personident: 'ingen', grense: 10 }), [])
    t.equal((await ider({ grense: 5 })).length, 5, 'grense caps the page')
    t.strictSame(
      await ider({ grense: 5 }),
      lagret.slice(0, 5).map((h) => h.id),
      'in id order',
    )

    // Paging with the cursor returns each match exactly once.
    const filter = { personident: personer[2], til: tidFor(50) }
    const sett: number[] = []
    let etterId: number | undefined
    for (let side = 0; side < 50; side++) {
      const del = await store.sok({ ...filter, grense: 4, ...(etterId !== undefined ? { etterId } : {}) })
      t.ok(del.length <= 4)
      if (del.length === 0) break
      sett.push(...del.map((h) => h.id))
      etterId = del.at(-1)?.id
    }
    t.strictSame(
      sett,
      forventet((h) => h.personident === personer[2] && h.tid < tidFor(50)),
    )
    t.equal(new Set(sett).size, sett.length, 'no event twice')
  })

  // DESIGN §4: the audit records the typed and the current ident; innsyn by any finds every access.
  t.test(`${navn}: the current ident is kept, hashed, and searched with the typed`, async (t) => {
    const { store, sql, tabell, slaAvTriggere } = await lagStore(t)
    const NY = '01918012345'
    const GAMMEL = '41918012345'
    const ANNEN = '02928012345'
    const skrevet = [
      hendelse(1), // from before the field: no current ident
      hendelse(2, { personident: GAMMEL, gjeldendeIdent: NY }),
      hendelse(3, { personident: NY, gjeldendeIdent: NY }),
      hendelse(4, { personident: ANNEN, gjeldendeIdent: ANNEN }),
    ]
    await store.skriv(skrevet)
    const lest = await alle(store)
    t.strictSame(lest.map(innhold), skrevet, 'read back as written, with and without the current ident')
    let forrige = GENESIS_HASH
    for (const h of lest) {
      t.equal(h.hash, kjedeHash(NOKKEL, forrige, innhold(h)))
      forrige = h.hash
    }
    t.not(
      kjedeHash(NOKKEL, GENESIS_HASH, skrevet[1] as AuditHendelse),
      kjedeHash(NOKKEL, GENESIS_HASH, { ...skrevet[1], gjeldendeIdent: ANNEN } as AuditHendelse),
      'the current ident is in the hash',
    )
    t.equal(
      kjedeHash(NOKKEL, GENESIS_HASH, skrevet[0] as AuditHendelse),
      kjedeHash(NOKKEL, GENESIS_HASH, { ...skrevet[0], gjeldendeIdent: null } as AuditHendelse),
      'none is the old encoding',
    )
    t.has(await verifiserKjede(store, { nokkel: NOKKEL }), { gyldig: true, antall: 4 })

    const ider = async (personidenter: string[]) => (await store.sok({ personidenter, grense: 100 })).map((h) => h.id)
    const id = (i: number) => (lest[i] as LagretHendelse).id
    t.strictSame(await ider([GAMMEL]), [id(1)], 'by the old ident: the event typed by it')
    t.strictSame(await ider([NY]), [id(0), id(1), id(2)], 'by the current ident: also the event typed by the old one')
    t.strictSame(await ider([NY, GAMMEL]), [id(0), id(1), id(2)], 'each event once')
    t.strictSame(await ider([ANNEN]), [id(3)])
    t.strictSame(await ider([]), [], 'no ident, no event')
    t.strictSame(
      (await store.sok({ personidenter: [NY], fra: tidFor(2), grense: 100 })).map((h) => h.id),
      [id(1), id(2)],
      'with the other filters',
    )

    await slaAvTriggere()
    await sql(`UPDATE ${tabell.hendelse} SET gjeldende_ident = '${ANNEN}' WHERE id = ${id(1)}`)
    t.same(
      (await verifiserKjede(store, { nokkel: NOKKEL })).forsteBrudd,
      { arsak: 'ENDRET', id: id(1) },
      'a changed current ident is detected',
    )
    await sql(`UPDATE ${tabell.hendelse} SET gjeldende_ident = '${NY}' WHERE id = ${id(1)}`)
    await sql(`UPDATE ${tabell.hendelse} SET gjeldende_ident = '${ANNEN}' WHERE id = ${id(0)}`)
    t.same(
      (await verifiserKjede(store, { nokkel: NOKKEL })).forsteBrudd,
      { arsak: 'ENDRET', id: id(0) },
      'one added to an event that had none too',
    )
  })

  t.test(`${navn}: the chain pages by id`, async (t) => {
    const { store } = await lagStore(t)
    await skrivN(store, 25)
    const hele = await alle(store)
    const sider: LagretHendelse[] = []
    let etter = 0
    for (;;) {
      const side = await store.kjede(etter, 10)
      t.ok(side.length <= 10)
      if (side.length === 0) break
      sider.push(...side)
      etter = (side.at(-1) as LagretHendelse).id
    }
    t.strictSame(sider, hele)
    t.strictSame(await store.kjede(0, 0), [])
    t.strictSame(await store.kjede((hele.at(-1) as LagretHendelse).id, 10), [])
    t.strictSame(await store.kjede((hele[4] as LagretHendelse).id, 3), hele.slice(5, 8))
  })

  t.test(`${navn}: the database itself refuses UPDATE and DELETE`, async (t) => {
    const { store, sql, tabell } = await lagStore(t)
    await skrivN(store, 5)
    await store.slettFor(tidFor(1))
    const for_ = await alle(store)
    const sp = await store.sjekkpunkt()
    await t.rejects(sql(`UPDATE ${tabell.hendelse} SET navident = 'Z999999'`), /kun for tillegg/)
    await t.rejects(sql(`DELETE FROM ${tabell.hendelse} WHERE navident = 'Z990001'`), /kun for tillegg/)
    await t.rejects(sql(`UPDATE ${tabell.sjekkpunkt} SET antall_slettet = 0`), /kun for tillegg/)
    await t.rejects(sql(`DELETE FROM ${tabell.sjekkpunkt}`), /kun for tillegg/)
    t.strictSame(await alle(store), for_, 'nothing changed')
    t.strictSame(await store.sjekkpunkt(), sp)
  })

  t.test(`${navn}: retention deletes the prefix and leaves a signed, chained checkpoint`, async (t) => {
    const { store } = await lagStore(t)
    await store.skriv(Array.from({ length: 20 }, (_, n) => hendelse(n)))
    const for_ = await alle(store)
    t.equal(await store.slettFor(tidFor(0)), 0, 'nothing older: nothing deleted')
    t.equal(await store.sjekkpunkt(), null, 'and no checkpoint')

    t.equal(await store.slettFor(tidFor(10)), 10)
    const rest = await alle(store)
    t.strictSame(rest, for_.slice(10), 'the rest is untouched')
    const sp1 = await store.sjekkpunkt()
    t.match(sp1, {
      sisteSlettedeId: for_[9]?.id,
      sisteSlettedeHash: for_[9]?.hash,
      antallSlettet: 10,
      forrigeSignatur: null,
    })
    if (!sp1) throw new Error('no checkpoint')
    const { signatur, ...felt } = sp1
    t.equal(signatur, sjekkpunktSignatur(felt, NOKKEL), 'signed with the key')
    t.ok(!Number.isNaN(Date.parse(sp1.tid)))
    t.has(await verifiserKjede(store, { nokkel: NOKKEL }), {
      gyldig: true,
      antall: 10,
      startEtterId: for_[9]?.id,
      forsteBrudd: null,
    })
    t.match(await verifiserKjede(store, { nokkel: 'feil-nokkel' }), {
      gyldig: false,
      forsteBrudd: { arsak: 'UGYLDIG_SJEKKPUNKT' },
    })
    t.equal(await store.slettFor(tidFor(10)), 0, 'again: nothing')
    t.strictSame(await store.sjekkpunkt(), sp1)

    await skrivN(store, 5, 20)
    t.equal(await store.slettFor(tidFor(15)), 5)
    const sp2 = await store.sjekkpunkt()
    t.match(
      sp2,
      { sisteSlettedeId: for_[14]?.id, antallSlettet: 5, forrigeSignatur: sp1.signatur },
      'chained to the first',
    )
    t.has(await verifiserKjede(store, { nokkel: NOKKEL }), { gyldig: true, antall: 10, forsteBrudd: null })

    // Everything gone: the chain continues from the checkpoint, with ids past it.
    t.equal(await store.slettFor('9999-01-01T00:00:00.000Z'), 10)
    t.strictSame(await alle(store), [])
    const sp3 = await store.sjekkpunkt()
    t.has(await verifiserKjede(store, { nokkel: NOKKEL }), { gyldig: true, antall: 0, forsteBrudd: null })
    await store.skriv([hendelse(100)])
    const ny = await alle(store)
    t.equal(ny[0]?.forrigeHash, sp3?.sisteSlettedeHash)
    t.ok((ny[0]?.id ?? 0) > (sp3?.sisteSlettedeId ?? Infinity), 'ids are never reused')
    t.has(await verifiserKjede(store, { nokkel: NOKKEL }), { gyldig: true, antall: 1, forsteBrudd: null })
    t.has(
      await verifiserKjede(store, { nokkel: 'en-annen-nokkel' }),
      { gyldig: false },
      'signed with the key, checked with another',
    )
  })

  t.test(
    `${navn}: retention in slices: one transaction and checkpoint per slice, writes go on between them`,
    async (t) => {
      const { store } = await lagStore(t)
      await store.skriv(Array.from({ length: 20 }, (_, n) => hendelse(n)))
      const for_ = await alle(store)
      t.equal(await store.slettFor(tidFor(10), 3), 10, 'slices of 3, 3, 3 and 1')
      t.strictSame(await alle(store), for_.slice(10), 'the rest is untouched')
      const sp = await store.sjekkpunkt()
      t.match(
        sp,
        { sisteSlettedeId: for_[9]?.id, sisteSlettedeHash: for_[9]?.hash, antallSlettet: 1 },
        'the last slice',
      )
      t.type(sp?.forrigeSignatur, 'string', 'chained to the slice before it')
      t.has(await verifiserKjede(store, { nokkel: NOKKEL }), { gyldig: true, antall: 10, forsteBrudd: null })

      // Appends while retention runs, one event per slice: both finish, the chain stays whole.
      const [slettet] = await Promise.all([store.slettFor(tidFor(16), 1), skrivN(store, 5, 30)])
      t.equal(slettet, 6)
      t.equal((await alle(store)).length, 9)
      t.has(await verifiserKjede(store, { nokkel: NOKKEL }), { gyldig: true, antall: 9, forsteBrudd: null })
    },
  )

  t.test(`${navn}: retention without a key signs with plain SHA-256`, async (t) => {
    const { store } = await lagStore(t)
    await skrivN(store, 4)
    t.equal(await store.slettFor(tidFor(2)), 2)
    t.has(await verifiserKjede(store, { nokkel: NOKKEL }), { gyldig: true, antall: 2 })
  })

  t.test(`${navn}: a rewritten checkpoint is detected`, async (t) => {
    const { store, sql, tabell, slaAvTriggere } = await lagStore(t)
    await skrivN(store, 10)
    const for_ = await alle(store)
    await store.slettFor(tidFor(3))
    await slaAvTriggere()
    // The attacker removes three more events and moves the checkpoint over them.
    const skjult = for_[5] as LagretHendelse
    await sql(`DELETE FROM ${tabell.hendelse} WHERE id <= ${skjult.id}`)
    t.match(
      await verifiserKjede(store, { nokkel: NOKKEL }),
      { gyldig: false, forsteBrudd: { arsak: 'BRUTT_LENKE', id: for_[6]?.id } },
      'a gap after the checkpoint',
    )
    await sql(
      `UPDATE ${tabell.sjekkpunkt} SET siste_slettede_id = ${skjult.id}, siste_slettede_hash = ${lit(skjult.hash)}, antall_slettet = 6`,
    )
    t.match(await verifiserKjede(store, { nokkel: NOKKEL }), {
      gyldig: false,
      forsteBrudd: { arsak: 'UGYLDIG_SJEKKPUNKT', id: null },
    })
  })

  t.test(`${navn}: tampering`, async (t) => {
    const oppsett = async (t: Test): Promise<{ o: KontraktOppsett; h: LagretHendelse[] }> => {
      const o = await lagStore(t)
      await o.store.skriv(Array.from({ length: 10 }, (_, n) => hendelse(n)))
      await o.slaAvTriggere()
      return { o, h: await alle(o.store) }
    }
    const id = (h: LagretHendelse[], i: number): number => (h[i] as LagretHendelse).id

    t.test('a changed field: ENDRET at that event', async (t) => {
      const { o, h } = await oppsett(t)
      await o.sql(`UPDATE ${o.tabell.hendelse} SET personident = '99999999999' WHERE id = ${id(h, 4)}`)
      t.has(await verifiserKjede(o.store, { nokkel: NOKKEL }), {
        gyldig: false,
        antall: 4,
        sisteId: id(h, 3),
        forsteBrudd: { arsak: 'ENDRET', id: id(h, 4) },
      })
    })

    t.test('a changed null field and a changed array: ENDRET', async (t) => {
      const { o, h } = await oppsett(t)
      await o.sql(`UPDATE ${o.tabell.hendelse} SET regel = 'X' WHERE id = ${id(h, 2)}`)
      t.same((await verifiserKjede(o.store, { nokkel: NOKKEL })).forsteBrudd, { arsak: 'ENDRET', id: id(h, 2) })
      await o.sql(
        `UPDATE ${o.tabell.hendelse} SET sporings_ider = (SELECT sporings_ider FROM ${o.tabell.hendelse} WHERE id = ${id(h, 0)}) WHERE id = ${id(h, 1)}`,
      )
      t.same((await verifiserKjede(o.store, { nokkel: NOKKEL })).forsteBrudd, { arsak: 'ENDRET', id: id(h, 1) })
    })

    t.test('a deleted event: BRUTT_LENKE at the next', async (t) => {
      const { o, h } = await oppsett(t)
      await o.sql(`DELETE FROM ${o.tabell.hendelse} WHERE id = ${id(h, 5)}`)
      t.same((await verifiserKjede(o.store, { nokkel: NOKKEL })).forsteBrudd, {
        arsak: 'BRUTT_LENKE',
        id: id(h, 6),
        forrigeId: id(h, 4),
      })
    })

    t.test('the first event deleted: BRUTT_LENKE with no previous', async (t) => {
      const { o, h } = await oppsett(t)
      await o.sql(`DELETE FROM ${o.tabell.hendelse} WHERE id = ${id(h, 0)}`)
      t.same((await verifiserKjede(o.store, { nokkel: NOKKEL })).forsteBrudd, {
        arsak: 'BRUTT_LENKE',
        id: id(h, 1),
        forrigeId: null,
      })
    })

    t.test('two events swapped: the first moved one is named', async (t) => {
      const { o, h } = await oppsett(t)
      const [a, b] = [id(h, 3), id(h, 7)]
      await o.sql(`UPDATE ${o.tabell.hendelse} SET id = -1 WHERE id = ${a};
        UPDATE ${o.tabell.hendelse} SET id = ${a} WHERE id = ${b};
        UPDATE ${o.tabell.hendelse} SET id = ${b} WHERE id = -1`)
      const lest = await alle(o.store)
      t.equal(lest[3]?.callId, 'c-7', 'really swapped')
      t.same((await verifiserKjede(o.store, { nokkel: NOKKEL })).forsteBrudd, {
        arsak: 'BRUTT_LENKE',
        id: a,
        forrigeId: id(h, 2),
      })
    })

    t.test('a forged event inserted with a recomputed hash: the event after it is named', async (t) => {
      const { o, h } = await oppsett(t)
      const k = h[4] as LagretHendelse
      const falsk = { ...innhold(k), navident: 'Z999999' }
      const falskHash = kjedeHash(NOKKEL, k.hash, falsk)
      // Make room after k, then put the forged event there.
      await o.sql(`UPDATE ${o.tabell.hendelse} SET id = -id WHERE id > ${k.id};
        UPDATE ${o.tabell.hendelse} SET id = -id + 1 WHERE id < 0;
        INSERT INTO ${o.tabell.hendelse} (id, ${KOLONNER}, forrige_hash, hash)
          SELECT ${k.id + 1}, tid, 'Z999999', handling, kategori, personident, henvendelse_id, beslutning, regel, kilde,
                 sporings_ider, call_id, instans, ${lit(k.hash)}, ${lit(falskHash)}
          FROM ${o.tabell.hendelse} WHERE id = ${k.id}`)
      const lest = await alle(o.store)
      t.equal(lest.length, 11)
      t.equal(lest[5]?.navident, 'Z999999')
      t.has(await verifiserKjede(o.store, { nokkel: NOKKEL }), {
        gyldig: false,
        antall: 6,
        forsteBrudd: { arsak: 'BRUTT_LENKE', id: k.id + 2, forrigeId: k.id + 1 },
      })
    })

    t.test('the last event deleted is not detectable by the chain alone', async (t) => {
      // A known limit of a hash chain: truncating the tail leaves a valid, shorter chain.
      const { o, h } = await oppsett(t)
      await o.sql(`DELETE FROM ${o.tabell.hendelse} WHERE id = ${id(h, 9)}`)
      t.has(await verifiserKjede(o.store, { nokkel: NOKKEL }), { gyldig: true, antall: 9 })
    })
  })

  t.test(`${navn}: a reopened store continues the chain`, async (t) => {
    const { store, apneIgjen } = await lagStore(t)
    await skrivN(store, 5)
    const sist = (await alle(store)).at(-1)
    await store.lukk()
    const igjen = await apneIgjen()
    await igjen.skriv([hendelse(5)])
    const lest = await alle(igjen)
    t.equal(lest.length, 6)
    t.equal(lest[5]?.forrigeHash, sist?.hash)
    t.has(await verifiserKjede(igjen, { nokkel: NOKKEL }), { gyldig: true, antall: 6 })
  })

  t.test(`${navn}: lukk commits what is queued`, async (t) => {
    const { store, apneIgjen } = await lagStore(t)
    const skrevet = store.skriv([hendelse(1)])
    await store.lukk()
    await skrevet
    const igjen = await apneIgjen()
    t.equal((await alle(igjen)).length, 1)
  })

  t.test(`${navn}: a failed commit rejects every caller in it, and the chain goes on`, async (t) => {
    const { store, hindreSkriving } = await lagStore(t)
    await skrivN(store, 3)
    await hindreSkriving('Z000FEIL')
    const utfall = await Promise.allSettled([
      store.skriv([hendelse(10)]),
      store.skriv([hendelse(11, { navident: 'Z000FEIL' })]),
      store.skriv([hendelse(12)]),
    ])
    t.same(
      utfall.map((u) => u.status),
      ['rejected', 'rejected', 'rejected'],
      'they shared the failed transaction',
    )
    for (const u of utfall) if (u.status === 'rejected') t.type(u.reason, AuditFeil)
    await skrivN(store, 3, 20)
    await t.rejects(store.skriv([hendelse(30, { navident: 'Z000FEIL' })]), AuditFeil)
    await skrivN(store, 2, 40)
    t.has(await verifiserKjede(store, { nokkel: NOKKEL }), { gyldig: true, antall: 8, forsteBrudd: null })
  })

  t.test(`${navn}: a closed store is not ready and refuses with AuditFeil`, async (t) => {
    const { store } = await lagStore(t)
    t.equal(await store.klar(), true)
    await store.skriv([hendelse(1)])
    await store.lukk()
    t.equal(await store.klar(), false)
    await t.rejects(store.skriv([hendelse(2)]), AuditFeil)
    await t.rejects(store.sok({ grense: 10 }), AuditFeil)
    await t.rejects(store.kjede(0, 10), AuditFeil)
    await t.rejects(store.slettFor(tidFor(5)), AuditFeil)
    await store.lukk()
  })

  t.test(`${navn}: a chain re-hashed without the key is found, plain SHA-256 or a guessed key`, async (t) => {
    for (const [navn, hash] of [
      // As the chain was made before AUDIT_NOKKEL: what anyone can compute.
      ['SHA-256', (forrige: string, h: AuditHendelse) => unokletHash(forrige, h)],
      ['a guessed key', (forrige: string, h: AuditHendelse) => kjedeHash('gjettet-nokkel', forrige, h)],
    ] as const) {
      t.test(navn, async (t) => {
        const o = await lagStore(t)
        await o.store.skriv(Array.from({ length: 6 }, (_, n) => hendelse(n)))
        await o.slaAvTriggere()
        const h = await alle(o.store)
        // Event 3 changed, and every hash from it on recomputed without the key.
        let forrige = (h[2] as LagretHendelse).hash
        for (const x of h.slice(3)) {
          const ny = { ...innhold(x), navident: x.id === (h[3] as LagretHendelse).id ? 'Z999999' : x.navident }
          const nyHash = hash(forrige, ny)
          await o.sql(
            `UPDATE ${o.tabell.hendelse} SET navident = ${lit(ny.navident)}, forrige_hash = ${lit(forrige)}, hash = ${lit(nyHash)} WHERE id = ${x.id}`,
          )
          forrige = nyHash
        }
        t.match(await verifiserKjede(o.store, { nokkel: NOKKEL }), {
          gyldig: false,
          forsteBrudd: { arsak: 'ENDRET', id: h[3]?.id },
        })
        // The whole chain recomputed from genesis.
        forrige = GENESIS_HASH
        for (const x of await alle(o.store)) {
          const nyHash = hash(forrige, innhold(x))
          await o.sql(
            `UPDATE ${o.tabell.hendelse} SET forrige_hash = ${lit(forrige)}, hash = ${lit(nyHash)} WHERE id = ${x.id}`,
          )
          forrige = nyHash
        }
        t.match(await verifiserKjede(o.store, { nokkel: NOKKEL }), {
          gyldig: false,
          forsteBrudd: { arsak: navn === 'SHA-256' ? 'UTEN_NOKKEL' : 'ENDRET', id: h[0]?.id },
        })
      })
    }
  })

  t.test(`${navn}: the head (last id, hash, count) finds a truncated tail`, async (t) => {
    const { store, sql, tabell, slaAvTriggere } = await lagStore(t)
    t.equal(await store.hode(), null, 'no events, no head')
    await store.skriv(Array.from({ length: 10 }, (_, n) => hendelse(n)))
    const h = await alle(store)
    const hode = await store.hode()
    t.strictSame(hode, { id: h[9]?.id, hash: h[9]?.hash, antall: 10 })
    if (!hode) throw new Error('no head')
    t.has(await verifiserKjede(store, { nokkel: NOKKEL, hode }), { gyldig: true, antall: 10 })
    await slaAvTriggere()
    await sql(`DELETE FROM ${tabell.hendelse} WHERE id > ${h[6]?.id}`)
    t.has(await verifiserKjede(store, { nokkel: NOKKEL }), { gyldig: true, antall: 7 }, 'the chain alone cannot tell')
    t.has(await verifiserKjede(store, { nokkel: NOKKEL, hode }), {
      gyldig: false,
      forsteBrudd: { arsak: 'HODE_MANGLER', id: hode.id },
    })
    t.match(await store.hode(), { id: h[6]?.id, antall: 7 })
  })

  t.test(`${navn}: an unkeyed chain is keyed by an explicit migration, and stays checkable`, async (t) => {
    const { store, sql, tabell, slaAvTriggere, apneIgjen } = await lagStore(t)
    // The database as the service wrote it before AUDIT_NOKKEL: a checkpoint and three events,
    // all plain SHA-256 (made here by rewriting keyed ones, past the store).
    await store.skriv(Array.from({ length: 3 }, (_, n) => hendelse(n)))
    await slaAvTriggere()
    const sha = (tekst: string) => createHash('sha256').update(tekst).digest('hex')
    const slettetHash = sha('slettet av retensjon')
    const spFelt = [0, slettetHash, 5, '2026-01-01T00:00:00.000Z', null] as const
    await sql(`INSERT INTO ${tabell.sjekkpunkt} (siste_slettede_id, siste_slettede_hash, antall_slettet, tid, forrige_signatur, signatur)
      VALUES (0, ${lit(slettetHash)}, 5, ${lit(spFelt[3])}, NULL, ${lit(sha(JSON.stringify(spFelt)))})`)
    let forrige = await skrivUnoklet(sql, tabell.hendelse, await alle(store), slettetHash)
    const gamle = await alle(store)
    await store.lukk()

    const unoklethode = `${gamle[2]?.id}:${forrige}`
    await t.rejects(
      apneIgjen(),
      { name: 'AuditFeil', message: new RegExp(`AUDIT_MIGRER_UNOKLET=${unoklethode}`) },
      'not keyed by a mere restart; the refusal names the head to migrate from',
    )
    await t.rejects(
      apneIgjen({ migrerUnoklet: `${gamle[1]?.id}:${gamle[1]?.hash}` }),
      { name: 'AuditFeil', message: /et annet hode/ },
      'a flag naming another head is refused',
    )
    const migrert = await apneIgjen({ migrerUnoklet: unoklethode })
    const anker = (await alle(migrert)).at(-1)
    t.match(anker, { handling: 'AUDIT_NOKKEL_INNFORT', navident: 'SYSTEM', forrigeHash: forrige })
    t.same(
      JSON.parse(anker?.detaljer ?? 'null'),
      { sisteUnokledeId: gamle[2]?.id, sisteUnokledeHash: forrige },
      'the anchor names the last unkeyed event',
    )
    t.match(
      await migrert.sjekkpunkt(),
      { sisteSlettedeId: 0, sisteSlettedeHash: slettetHash, antallSlettet: 0 },
      'the checkpoint re-signed with the key',
    )
    await migrert.skriv([hendelse(10)])
    t.has(await verifiserKjede(migrert, { nokkel: NOKKEL }), { gyldig: true, antall: 5, forsteBrudd: null })
    // Keyed now: a restart needs no migration, and a wrong key is refused.
    const igjen = await apneIgjen()
    t.has(await verifiserKjede(igjen, { nokkel: NOKKEL }), { gyldig: true, antall: 5 })
    await t.rejects(apneIgjen({ nokkel: 'en-annen-nokkel-enn-kjedens-0000000000' }), {
      name: 'AuditFeil',
      message: /stemmer ikke/,
    })
    // The unkeyed prefix changed and re-hashed after the migration: the anchor no longer links.
    const offer = gamle[1] as LagretHendelse
    forrige = (gamle[0] as LagretHendelse).hash
    for (const x of gamle.slice(1)) {
      const navident = x.id === offer.id ? 'Z999999' : x.navident
      const hash = unokletHash(forrige, { ...innhold(x), navident })
      await sql(
        `UPDATE ${tabell.hendelse} SET navident = ${lit(navident)}, forrige_hash = ${lit(forrige)}, hash = ${lit(hash)} WHERE id = ${x.id}`,
      )
      forrige = hash
    }
    t.match(await verifiserKjede(igjen, { nokkel: NOKKEL }), {
      gyldig: false,
      forsteBrudd: { arsak: 'BRUTT_LENKE', id: anker?.id },
    })
  })

  t.test(`${navn}: the migration flag left set keys nothing a database holder writes afterwards`, async (t) => {
    const { store, sql, tabell, slaAvTriggere, apneIgjen } = await lagStore(t)
    // A chain keyed by a migration from an unkeyed head, as above, and the flag left set.
    await store.skriv(Array.from({ length: 3 }, (_, n) => hendelse(n)))
    await slaAvTriggere()
    const sha = (tekst: string) => createHash('sha256').update(tekst).digest('hex')
    const forrige = await skrivUnoklet(sql, tabell.hendelse, await alle(store), GENESIS_HASH)
    const unoklet = await alle(store)
    await store.lukk()
    const flagg = `${unoklet[2]?.id}:${forrige}`
    const migrert = await apneIgjen({ migrerUnoklet: flagg })
    await migrert.skriv(Array.from({ length: 5 }, (_, n) => hendelse(10 + n)))
    const publisert = await migrert.hode()
    if (!publisert) throw new Error('no head')
    await migrert.lukk()

    // 1. Everything erased, and an unkeyed checkpoint (computable without the key) claiming the
    //    published head: a re-signed one would verify against that head. Refused.
    await sql(`DELETE FROM ${tabell.hendelse}`)
    const spFelt = [publisert.id, publisert.hash, 8, '2026-01-02T00:00:00.000Z', null] as const
    await sql(`INSERT INTO ${tabell.sjekkpunkt} (siste_slettede_id, siste_slettede_hash, antall_slettet, tid, forrige_signatur, signatur)
      VALUES (${publisert.id}, ${lit(publisert.hash)}, 8, ${lit(spFelt[3])}, NULL, ${lit(sha(JSON.stringify(spFelt)))})`)
    await t.rejects(
      apneIgjen({ migrerUnoklet: flagg }),
      { name: 'AuditFeil', message: /uten hendelser/ },
      'the forged checkpoint is not keyed',
    )
    await t.rejects(
      apneIgjen({ migrerUnoklet: `${publisert.id}:${publisert.hash}` }),
      { name: 'AuditFeil', message: /uten hendelser/ },
      'nor with a flag naming what it claims: an unkeyed checkpoint alone is never keyed',
    )

    // 2. A keyed checkpoint under an unkeyed head: the chain was keyed before. Refused whatever the flag.
    await sql(`DELETE FROM ${tabell.sjekkpunkt}`)
    const ny = await apneIgjen()
    await ny.skriv([hendelse(20), hendelse(21)])
    const f2 = await skrivUnoklet(sql, tabell.hendelse, await alle(ny), GENESIS_HASH)
    const felt = {
      sisteSlettedeId: 0,
      sisteSlettedeHash: GENESIS_HASH,
      antallSlettet: 0,
      tid: '2026-01-02T00:00:00.000Z',
      forrigeSignatur: null,
    }
    await sql(`INSERT INTO ${tabell.sjekkpunkt} (siste_slettede_id, siste_slettede_hash, antall_slettet, tid, forrige_signatur, signatur)
      VALUES (0, ${lit(GENESIS_HASH)}, 0, ${lit(felt.tid)}, NULL, ${lit(sjekkpunktSignatur(felt, NOKKEL))})`)
    const hode = (await alle(ny)).at(-1) as LagretHendelse
    await ny.lukk()
    await t.rejects(apneIgjen({ migrerUnoklet: `${hode.id}:${f2}` }), {
      name: 'AuditFeil',
      message: /sjekkpunkt med AUDIT_NOKKEL/,
    })
  })

  t.test(`${navn}: a tail cut back to the migrated head is keyed again, and the published head finds it`, async (t) => {
    const { store, sql, tabell, slaAvTriggere, apneIgjen } = await lagStore(t)
    await store.skriv(Array.from({ length: 2 }, (_, n) => hendelse(n)))
    await slaAvTriggere()
    const forrige = await skrivUnoklet(sql, tabell.hendelse, await alle(store), GENESIS_HASH)
    const sisteUnoklede = (await alle(store))[1] as LagretHendelse
    await store.lukk()
    const flagg = `${sisteUnoklede.id}:${forrige}`
    const migrert = await apneIgjen({ migrerUnoklet: flagg })
    await migrert.skriv(Array.from({ length: 4 }, (_, n) => hendelse(10 + n)))
    const publisert = await migrert.hode()
    if (!publisert) throw new Error('no head')
    await migrert.lukk()
    // The keyed tail removed, back to the head the flag names: the flag lets it be keyed again
    // (the database alone cannot tell), but the head published to the CEF stream is gone.
    await sql(`DELETE FROM ${tabell.hendelse} WHERE id > ${sisteUnoklede.id}`)
    const igjen = await apneIgjen({ migrerUnoklet: flagg })
    t.match(await verifiserKjede(igjen, { nokkel: NOKKEL, hode: publisert }), {
      gyldig: false,
      forsteBrudd: { arsak: 'HODE_MANGLER', id: publisert.id },
    })
  })

  t.test(`${navn}: the avvik report aggregated by the database is finnAvvik's answer`, async (t) => {
    const { store } = await lagStore(t)
    // A day of varied activity, and the history before it.
    const dag = Date.UTC(2026, 2, 10)
    const tid = (ms: number) => new Date(ms).toISOString()
    const ansatte = ['Z990001', 'Z990002', 'Z990003', 'Z990004', 'Z990005']
    const personer = ['01918012345', '02928012345', '03938012345', null]
    const henvendelser = ['h-1', 'h-2', null]
    const regler = [
      null,
      'AVVIST_SKJERMING',
      'AVVIST_SKJERMING,AVVIST_FORTROLIG_ADRESSE',
      'AVVIST_FORTROLIG_ADRESSE',
      'AVVIST_SKJERMINGX',
      'AVVIST_HABILITET',
    ]
    let frø = 7
    // A fixed LCG, its high bits (the low ones of a power-of-two modulus repeat quickly).
    const tilfeldig = (n: number) => {
      frø = (frø * 1103515245 + 12345) % 2 ** 31
      return Math.floor(frø / 65536) % n
    }
    const hendelser: AuditHendelse[] = []
    for (let i = 0; i < 900; i++) {
      const iVindu = i % 3 !== 0
      const navident = ansatte[iVindu && i % 5 === 1 ? 0 : tilfeldig(ansatte.length)] as string
      const handling = (['OPPSLAG_START', 'LES', 'LES', 'AVSLUTT', 'AUDIT_SOK'] as const)[tilfeldig(5)]
      const beslutning = tilfeldig(4) === 0 ? 'Deny' : 'Permit'
      hendelser.push(
        hendelse(i, {
          tid: tid(
            iVindu ? dag + tilfeldig(86_400_000) : dag - 86_400_000 * (1 + tilfeldig(20)) + tilfeldig(86_400_000),
          ),
          navident,
          handling,
          beslutning,
          personident: personer[tilfeldig(personer.length)] as string | null,
          henvendelseId: henvendelser[tilfeldig(henvendelser.length)] as string | null,
          regel: regler[tilfeldig(regler.length)] as string | null,
        }),
      )
    }
    // Stored in time order, as the service writes them.
    hendelser.sort((a, b) => a.tid.localeCompare(b.tid))
    for (let i = 0; i < hendelser.length; i += 100) await store.skriv(hendelser.slice(i, i + 100))
    const lagret = await alle(store)
    const sporring: AvvikSporring = {
      fra: tid(dag),
      til: tid(dag + 86_400_000),
      historikkDager: 30,
      terskler: { volumFaktor: 3, volumMinimum: 10, avslagMinimum: 5 },
      grense: 1000,
    }
    const historikkFra = tid(dag - 30 * 86_400_000)
    const vindu = lagret.filter((h) => h.tid >= sporring.fra && h.tid < sporring.til)
    const historikk = lagret.filter((h) => h.tid >= historikkFra && h.tid < sporring.fra)
    const fasit = finnAvvik(
      vindu,
      historikk,
      { fra: sporring.fra, til: sporring.til, historikkDager: 30 },
      sporring.terskler,
    )
    const svar = settSammen(await store.avvik(sporring), sporring)
    t.strictSame(svar, { avvik: fasit, avkortet: false })
    for (const type of ['HOYT_VOLUM', 'OPPSLAG_AV_KOLLEGA', 'GJENTATTE_AVSLAG', 'OPPSLAG_UTEN_LESING']) {
      t.ok(
        fasit.some((a) => a.type === type),
        `the data has ${type}`,
      )
    }
    // Capped: each kind at most `grense`, and the answer says so.
    const kort = { ...sporring, grense: 2 }
    const avkortet = settSammen(await store.avvik(kort), kort)
    t.equal(avkortet.avkortet, true)
    for (const type of ['OPPSLAG_AV_KOLLEGA', 'OPPSLAG_UTEN_LESING']) {
      t.strictSame(
        avkortet.avvik.filter((a) => a.type === type),
        fasit.filter((a) => a.type === type).slice(0, 2),
        type,
      )
    }
  })
}
