// verifiserKjede over an in-memory fake store: every kind of break, paging, and the checkpoint.
import t from 'tap'
import {
  GENESIS_HASH,
  kjedeHash,
  kjedeHashUnoklet,
  sjekkpunktSignatur,
  sjekkpunktSignaturUnoklet,
  type AuditHendelse,
  type AuditStore,
  type LagretHendelse,
  type Sjekkpunkt,
} from '../../src/audit/port.js'
import { verifiserKjede } from '../../src/audit/verifiser.js'

const hendelse = (n: number): AuditHendelse => ({
  tid: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
  navident: 'Z990001',
  handling: 'LES',
  kategori: 'adresse',
  personident: '01918012345',
  henvendelseId: null,
  beslutning: 'Permit',
  regel: null,
  kilde: 'cache',
  sporingsIder: [],
  callId: `c-${n}`,
  instans: 'i',
})

/** The key the chains here are made with. */
const K = 'k'

/** A well-formed chain of n events with ids 1..n, starting from `forrige`; keyed with K, or made
 *  as before AUDIT_NOKKEL (plain SHA-256) with `nokkel` null. */
function kjede(n: number, forrige = GENESIS_HASH, forsteId = 1, nokkel: string | null = K): LagretHendelse[] {
  const ut: LagretHendelse[] = []
  for (let i = 0; i < n; i++) {
    const h = hendelse(forsteId + i)
    const hash = nokkel === null ? kjedeHashUnoklet(forrige, h) : kjedeHash(nokkel, forrige, h)
    ut.push({ ...h, id: forsteId + i, forrigeHash: forrige, hash })
    forrige = hash
  }
  return ut
}

function fake(
  hendelser: LagretHendelse[],
  sp: Sjekkpunkt | null = null,
  sidetak = Infinity,
): AuditStore & { kall: number } {
  const store = {
    kall: 0,
    skriv: async () => {},
    klar: async () => true,
    sok: async () => [],
    kjede: async (etter: number, grense: number) => {
      store.kall++
      return hendelser
        .filter((h) => h.id > etter)
        .sort((a, b) => a.id - b.id)
        .slice(0, Math.min(grense, sidetak))
    },
    sjekkpunkt: async () => sp,
    slettFor: async () => 0,
    hode: async () => null,
    avvik: async () => {
      throw new Error('ikke brukt')
    },
    lukk: async () => {},
  }
  return store
}

function sjekkpunkt(siste: LagretHendelse, nokkel: string, endring: Partial<Sjekkpunkt> = {}): Sjekkpunkt {
  const felt = {
    sisteSlettedeId: siste.id,
    sisteSlettedeHash: siste.hash,
    antallSlettet: siste.id,
    tid: '2026-02-01T00:00:00.000Z',
    forrigeSignatur: null,
  }
  return { ...felt, signatur: sjekkpunktSignatur(felt, nokkel), ...endring }
}

t.test('an empty store is a valid, empty chain', async (t) => {
  t.strictSame(await verifiserKjede(fake([]), { nokkel: K }), {
    gyldig: true,
    antall: 0,
    startEtterId: 0,
    sisteId: null,
    forsteBrudd: null,
  })
})

t.test('a whole chain is valid on any page size', async (t) => {
  const h = kjede(10)
  for (const sidestorrelse of [1, 3, 10, 11, 1000]) {
    t.strictSame(
      await verifiserKjede(fake(h), { nokkel: K, sidestorrelse }),
      { gyldig: true, antall: 10, startEtterId: 0, sisteId: 10, forsteBrudd: null },
      `page ${sidestorrelse}`,
    )
  }
  t.equal((await verifiserKjede(fake(h), { nokkel: K, sidestorrelse: 0 })).antall, 10, 'a page size below 1 means 1')
})

t.test('a store returning shorter pages than asked is still walked to its end', async (t) => {
  const h = kjede(10)
  h[8] = { ...(h[8] as LagretHendelse), navident: 'Z999999' }
  t.match(await verifiserKjede(fake(h, null, 4), { nokkel: K, sidestorrelse: 5 }), {
    gyldig: false,
    forsteBrudd: { arsak: 'ENDRET', id: 9 },
  })
})

t.test('ENDRET: content that does not match its hash', async (t) => {
  for (const [felt, verdi] of [
    ['navident', 'Z1'],
    ['kategori', null],
    ['sporingsIder', ['x']],
    ['tid', '2026-01-01T00:00:04.001Z'],
  ] as const) {
    const h = kjede(6)
    h[3] = { ...(h[3] as LagretHendelse), [felt]: verdi }
    t.strictSame(
      await verifiserKjede(fake(h), { nokkel: K, sidestorrelse: 2 }),
      { gyldig: false, antall: 3, startEtterId: 0, sisteId: 3, forsteBrudd: { arsak: 'ENDRET', id: 4 } },
      felt,
    )
  }
  const h = kjede(3)
  h[0] = { ...(h[0] as LagretHendelse), hash: 'f'.repeat(64) }
  t.match(await verifiserKjede(fake(h), { nokkel: K }), { forsteBrudd: { arsak: 'ENDRET', id: 1 }, sisteId: null })
})

t.test('BRUTT_LENKE: a removed event names the one after it', async (t) => {
  const h = kjede(6)
  h.splice(2, 1)
  t.strictSame(await verifiserKjede(fake(h), { nokkel: K }), {
    gyldig: false,
    antall: 2,
    startEtterId: 0,
    sisteId: 2,
    forsteBrudd: { arsak: 'BRUTT_LENKE', id: 4, forrigeId: 2 },
  })
})

t.test('BRUTT_LENKE: the first event removed (no checkpoint)', async (t) => {
  const h = kjede(4).slice(1)
  t.match(await verifiserKjede(fake(h), { nokkel: K }), {
    forsteBrudd: { arsak: 'BRUTT_LENKE', id: 2, forrigeId: null },
  })
})

t.test('BRUTT_LENKE: moved events name the first one moved', async (t) => {
  const h = kjede(6)
  const [a, b] = [h[1] as LagretHendelse, h[4] as LagretHendelse]
  h[1] = { ...b, id: 2 }
  h[4] = { ...a, id: 5 }
  t.match(await verifiserKjede(fake(h), { nokkel: K }), {
    antall: 1,
    forsteBrudd: { arsak: 'BRUTT_LENKE', id: 2, forrigeId: 1 },
  })
})

t.test('BRUTT_LENKE: a forged event with a recomputed hash names the event after it', async (t) => {
  const h = kjede(5).map((x) => (x.id > 3 ? { ...x, id: x.id + 1 } : x))
  const k = h[2] as LagretHendelse
  const falsk = { ...hendelse(99), navident: 'Z999999' }
  h.splice(3, 0, { ...falsk, id: 4, forrigeHash: k.hash, hash: kjedeHash(K, k.hash, falsk) })
  t.strictSame(await verifiserKjede(fake(h), { nokkel: K }), {
    gyldig: false,
    antall: 4,
    startEtterId: 0,
    sisteId: 4,
    forsteBrudd: { arsak: 'BRUTT_LENKE', id: 5, forrigeId: 4 },
  })
})

t.test('a checkpoint: the chain starts after it', async (t) => {
  const hele = kjede(8)
  const sp = sjekkpunkt(hele[2] as LagretHendelse, 'k')
  const rest = hele.slice(3)
  t.strictSame(await verifiserKjede(fake(rest, sp), { nokkel: 'k', sidestorrelse: 2 }), {
    gyldig: true,
    antall: 5,
    startEtterId: 3,
    sisteId: 8,
    forsteBrudd: null,
  })
  t.strictSame(
    await verifiserKjede(fake([], sp), { nokkel: 'k' }),
    { gyldig: true, antall: 0, startEtterId: 3, sisteId: null, forsteBrudd: null },
    'everything deleted',
  )
  // Events left behind the checkpoint are not part of the chain to check.
  t.match(await verifiserKjede(fake(hele, sp), { nokkel: 'k' }), { gyldig: true, antall: 5 })
  t.match(
    await verifiserKjede(fake(rest.slice(1), sp), { nokkel: 'k' }),
    { gyldig: false, forsteBrudd: { arsak: 'BRUTT_LENKE', id: 5, forrigeId: null } },
    'first after the checkpoint removed',
  )
})

t.test('UGYLDIG_SJEKKPUNKT: a checkpoint not signed with the key', async (t) => {
  const hele = kjede(8)
  const rest = hele.slice(3)
  const ekte = sjekkpunkt(hele[2] as LagretHendelse, 'k')
  const forventet = {
    gyldig: false,
    antall: 0,
    startEtterId: 3,
    sisteId: null,
    forsteBrudd: { arsak: 'UGYLDIG_SJEKKPUNKT', id: null },
  }
  t.strictSame(await verifiserKjede(fake(rest, ekte), { nokkel: 'annen' }), forventet, 'another key')
  t.strictSame(
    await verifiserKjede(fake(rest, { ...ekte, antallSlettet: 2 }), { nokkel: 'k' }),
    forventet,
    'count changed',
  )
  t.strictSame(
    await verifiserKjede(fake(rest, { ...ekte, forrigeSignatur: 'a'.repeat(64) }), { nokkel: 'k' }),
    forventet,
    'unchained',
  )
  // Moved forward over more deleted events, without the key to re-sign.
  const flyttet = sjekkpunkt(hele[4] as LagretHendelse, 'gjettet')
  t.match(await verifiserKjede(fake(hele.slice(5), flyttet), { nokkel: 'k' }), {
    forsteBrudd: { arsak: 'UGYLDIG_SJEKKPUNKT' },
    startEtterId: 5,
  })
  // Signed as before AUDIT_NOKKEL (plain SHA-256): anyone could have made it.
  const { signatur: _s, ...felt } = ekte
  const usignert = { ...felt, signatur: sjekkpunktSignaturUnoklet(felt) }
  t.strictSame(await verifiserKjede(fake(rest, usignert), { nokkel: 'k' }), forventet, 'SHA-256 without a key')
})

t.test('retention moving the checkpoint during the walk is not a break; a real break still is', async (t) => {
  const hele = kjede(10)
  const for_ = sjekkpunkt(hele[2] as LagretHendelse, 'k')
  const etter = sjekkpunkt(hele[5] as LagretHendelse, 'k')
  // The walk reads the old checkpoint; a slice then deletes up to event 6 before the first page.
  let lest = 0
  const store = fake(hele.slice(6))
  store.sjekkpunkt = async () => (lest++ === 0 ? for_ : etter)
  t.strictSame(
    await verifiserKjede(store, { nokkel: 'k' }),
    { gyldig: true, antall: 4, startEtterId: 6, sisteId: 10, forsteBrudd: null },
    'checked again from the new checkpoint',
  )

  // The checkpoint unchanged: the break stands (one more read of the checkpoint, no second walk).
  const fast = fake(hele.slice(4), for_)
  t.match(await verifiserKjede(fast, { nokkel: 'k' }), { gyldig: false, forsteBrudd: { arsak: 'BRUTT_LENKE', id: 5 } })
  t.equal(fast.kall, 1)
})

t.test('a chain re-hashed without the key is found: plain SHA-256 or a guessed key', async (t) => {
  // What whoever holds the database can do: change an event and recompute every hash after it.
  const ekte = kjede(6)
  const endret = ekte.map((h) => (h.id === 3 ? { ...h, navident: 'Z999999' } : h))
  for (const [navn, hashFn] of [
    ['SHA-256', (f: string, h: AuditHendelse) => kjedeHashUnoklet(f, h)],
    ['a guessed key', (f: string, h: AuditHendelse) => kjedeHash('gjettet', f, h)],
  ] as const) {
    // From the change on, and the whole chain from genesis.
    for (const fraId of [3, 1]) {
      const h: LagretHendelse[] = []
      let forrige = fraId === 1 ? GENESIS_HASH : (ekte[fraId - 2] as LagretHendelse).hash
      for (const x of endret) {
        if (x.id < fraId) {
          h.push(x)
          continue
        }
        const hash = hashFn(forrige, x)
        h.push({ ...x, forrigeHash: forrige, hash })
        forrige = hash
      }
      const v = await verifiserKjede(fake(h), { nokkel: K })
      t.equal(v.gyldig, false, `${navn}, recomputed from event ${fraId}`)
      // A keyed prefix makes any later unkeyed event ENDRET; an all-unkeyed chain has no keyed
      // event after it, UTEN_NOKKEL.
      const forventet =
        navn === 'SHA-256' && fraId === 1 ? { arsak: 'UTEN_NOKKEL', id: 1 } : { arsak: 'ENDRET', id: fraId }
      t.strictSame(v.forsteBrudd, forventet, `${navn} from ${fraId}`)
    }
  }
})

/** The migration's anchor after `forrige`, keyed, with id `id`, and the keyed events after it. */
function anker(forrige: LagretHendelse, id: number, navngitt: { id: number; hash: string } = forrige): LagretHendelse {
  const h: AuditHendelse = {
    ...hendelse(id),
    navident: 'SYSTEM',
    handling: 'AUDIT_NOKKEL_INNFORT',
    kategori: null,
    personident: null,
    kilde: null,
    detaljer: JSON.stringify({ sisteUnokledeId: navngitt.id, sisteUnokledeHash: navngitt.hash }),
  }
  return { ...h, id, forrigeHash: forrige.hash, hash: kjedeHash(K, forrige.hash, h) }
}

t.test('migration: an unkeyed prefix holds when the anchor follows it, and only then', async (t) => {
  const gammel = kjede(4, GENESIS_HASH, 1, null)
  const a = anker(gammel.at(-1) as LagretHendelse, 5)
  const ny = [a, ...kjede(2, a.hash, 6)]
  // Any other keyed event after unkeyed ones: the next write after a rewrite without the key.
  const vanlig = kjede(3, (gammel.at(-1) as LagretHendelse).hash, 5)
  t.match(
    await verifiserKjede(fake([...gammel, ...vanlig]), { nokkel: K }),
    { gyldig: false, forsteBrudd: { arsak: 'UTEN_NOKKEL', id: 1 } },
    'a keyed event that is not the anchor does not vouch for what came before it',
  )
  t.match(
    await verifiserKjede(
      fake([...gammel, anker(gammel.at(-1) as LagretHendelse, 5, { id: 3, hash: (gammel[2] as LagretHendelse).hash })]),
      { nokkel: K },
    ),
    { gyldig: false, forsteBrudd: { arsak: 'UTEN_NOKKEL', id: 1 } },
    'an anchor naming another event',
  )
  t.strictSame(await verifiserKjede(fake([...gammel, ...ny]), { nokkel: K, sidestorrelse: 2 }), {
    gyldig: true,
    antall: 7,
    startEtterId: 0,
    sisteId: 7,
    forsteBrudd: null,
  })
  t.match(
    await verifiserKjede(fake(gammel), { nokkel: K }),
    { gyldig: false, forsteBrudd: { arsak: 'UTEN_NOKKEL', id: 1 } },
    'no keyed event yet',
  )
  // The unkeyed prefix changed and re-hashed: the first keyed event no longer links to it.
  const omskrevet = kjede(4, GENESIS_HASH, 1, null).map((h) => ({ ...h }))
  const endret = { ...(omskrevet[1] as LagretHendelse), navident: 'Z999999' }
  omskrevet[1] = { ...endret, hash: kjedeHashUnoklet(endret.forrigeHash, endret) }
  for (let i = 2; i < 4; i++) {
    const x = omskrevet[i] as LagretHendelse
    const forrigeHash = (omskrevet[i - 1] as LagretHendelse).hash
    omskrevet[i] = { ...x, forrigeHash, hash: kjedeHashUnoklet(forrigeHash, x) }
  }
  t.match(await verifiserKjede(fake([...omskrevet, ...ny]), { nokkel: K }), {
    gyldig: false,
    forsteBrudd: { arsak: 'BRUTT_LENKE', id: 5 },
  })
  // An unkeyed event after a keyed one is a rewrite, never the old chain.
  const etter = kjede(1, (ny.at(-1) as LagretHendelse).hash, 8, null)
  t.match(await verifiserKjede(fake([...gammel, ...ny, ...etter]), { nokkel: K }), {
    gyldig: false,
    forsteBrudd: { arsak: 'ENDRET', id: 8 },
  })
})

t.test('migration: an unkeyed event given a field the old hash never covered does not hold', async (t) => {
  // detaljer and gjeldendeIdent came after the unkeyed chain: its hash covers neither, so whoever
  // holds the database could put another person's ident into a migrated event (innsyn searches
  // gjeldendeIdent too). An unkeyed event must carry neither.
  const gammel = kjede(4, GENESIS_HASH, 1, null)
  const ny = [anker(gammel.at(-1) as LagretHendelse, 5)]
  for (const felt of [{ gjeldendeIdent: '41918012345' }, { detaljer: '{"forfalsket":true}' }]) {
    const endret = gammel.map((h) => (h.id === 2 ? { ...h, ...felt } : h))
    t.match(
      await verifiserKjede(fake([...endret, ...ny]), { nokkel: K }),
      { gyldig: false, forsteBrudd: { arsak: 'ENDRET', id: 2 } },
      `${Object.keys(felt)[0]} set on an unkeyed event`,
    )
  }
  t.match(
    await verifiserKjede(fake([...gammel, ...ny]), { nokkel: K }),
    { gyldig: true },
    'the same chain without them holds',
  )
})

t.test('a head emitted earlier finds a removed tail', async (t) => {
  const h = kjede(8)
  const hode = { id: 8, hash: (h[7] as LagretHendelse).hash }
  t.match(await verifiserKjede(fake(h), { nokkel: K, hode }), { gyldig: true, antall: 8 })
  t.match(
    await verifiserKjede(fake(h), { nokkel: K, hode: { id: 5, hash: (h[4] as LagretHendelse).hash } }),
    { gyldig: true, antall: 8 },
    'an older head',
  )
  t.match(
    await verifiserKjede(fake(h.slice(0, 6)), { nokkel: K }),
    { gyldig: true },
    'without the head the cut is invisible',
  )
  t.strictSame(await verifiserKjede(fake(h.slice(0, 6)), { nokkel: K, hode }), {
    gyldig: false,
    antall: 6,
    startEtterId: 0,
    sisteId: 6,
    forsteBrudd: { arsak: 'HODE_MANGLER', id: 8 },
  })
  t.match(await verifiserKjede(fake(h), { nokkel: K, hode: { id: 8, hash: 'a'.repeat(64) } }), {
    gyldig: false,
    forsteBrudd: { arsak: 'HODE_AVVIKER', id: 8 },
  })
  // Behind the checkpoint: removed by retention, whose checkpoint is keyed.
  const sp = sjekkpunkt(h[5] as LagretHendelse, K)
  t.match(
    await verifiserKjede(fake(h.slice(6), sp), { nokkel: K, hode: { id: 3, hash: (h[2] as LagretHendelse).hash } }),
    { gyldig: true },
  )
  t.match(await verifiserKjede(fake(h.slice(6), sp), { nokkel: K, hode: { id: 6, hash: 'b'.repeat(64) } }), {
    gyldig: false,
    forsteBrudd: { arsak: 'HODE_AVVIKER', id: 6 },
  })
})
