// Walks the hash chain from its start (or from the retention checkpoint) and names the first
// event that does not hold: changed content, or a broken link (an event removed, inserted or
// moved before it). Every event's hash is keyed (HMAC-SHA-256 with AUDIT_NOKKEL): without the key
// nobody can recompute a chain over changed events. Events from before the key (plain SHA-256)
// hold only as a prefix that a keyed event follows (the migration's anchor, rad.ts
// nokkelOvergang): that event's keyed hash covers the last unkeyed hash. A chain alone cannot show
// that its newest events were removed; checked against a head emitted earlier (CEF), it can.
import {
  GENESIS_HASH,
  kjedeHash,
  holderUnoklet,
  sjekkpunktSignatur,
  type AuditStore,
  type LagretHendelse,
} from './port.js'

export type Brudd =
  | { arsak: 'ENDRET'; id: number }
  | { arsak: 'BRUTT_LENKE'; id: number; forrigeId: number | null }
  | { arsak: 'UGYLDIG_SJEKKPUNKT'; id: null }
  /** Events hashed without the key that no keyed event follows: a chain rewritten without it. */
  | { arsak: 'UTEN_NOKKEL'; id: number }
  /** The head checked against is not in the chain: its tail was removed. */
  | { arsak: 'HODE_MANGLER'; id: number }
  /** The head's event is there with another hash. */
  | { arsak: 'HODE_AVVIKER'; id: number }

export interface Verifisering {
  gyldig: boolean
  /** Events checked. */
  antall: number
  /** Where the checked chain starts: 0, or the last id removed by retention. */
  startEtterId: number
  sisteId: number | null
  forsteBrudd: Brudd | null
}

/** A chain head emitted earlier (CEF `audit:kjedehode`): its last id and hash. */
export interface Hode {
  id: number
  hash: string
}

/** Walks started again when retention moved the checkpoint during a walk. */
const OMSTARTER = 3

export async function verifiserKjede(
  store: AuditStore,
  valg: { nokkel: string; sidestorrelse?: number; hode?: Hode },
): Promise<Verifisering> {
  let sp = await store.sjekkpunkt()
  for (let omstart = 0; ; omstart++) {
    const v = await gaaKjeden(store, sp, valg)
    if (v.gyldig || omstart >= OMSTARTER) return v
    // Retention runs in slices, each moving the checkpoint: a slice that committed after the walk
    // read the checkpoint (or overtook its cursor) makes a sound chain look broken. A break seen
    // with the checkpoint moved meanwhile is checked again from the new one.
    const na = await store.sjekkpunkt()
    if (na?.signatur === sp?.signatur) return v
    sp = na
  }
}

async function gaaKjeden(
  store: AuditStore,
  sp: Awaited<ReturnType<AuditStore['sjekkpunkt']>>,
  valg: { nokkel: string; sidestorrelse?: number; hode?: Hode },
): Promise<Verifisering> {
  const { nokkel, hode } = valg
  const side = Math.max(1, Math.trunc(valg.sidestorrelse ?? 1000))
  if (sp) {
    const { signatur, ...felt } = sp
    if (sjekkpunktSignatur(felt, nokkel) !== signatur) {
      return {
        gyldig: false,
        antall: 0,
        startEtterId: sp.sisteSlettedeId,
        sisteId: null,
        forsteBrudd: { arsak: 'UGYLDIG_SJEKKPUNKT', id: null },
      }
    }
  }
  const startEtterId = sp?.sisteSlettedeId ?? 0
  let forventetForrige = sp?.sisteSlettedeHash ?? GENESIS_HASH
  let forrige: LagretHendelse | null = null
  let etter = startEtterId
  let antall = 0
  /** A keyed event seen: no unkeyed one may follow. */
  let noklet = false
  /** The first of the unkeyed events not yet followed by a keyed one. */
  let forsteUnoklet: number | null = null
  // The head: found in the chain (or as the checkpoint's last deleted event) with its hash.
  let hodeSett = hode !== undefined && sp !== null && hode.id <= sp.sisteSlettedeId
  if (hode && sp && hode.id === sp.sisteSlettedeId && hode.hash !== sp.sisteSlettedeHash) {
    return {
      gyldig: false,
      antall: 0,
      startEtterId,
      sisteId: null,
      forsteBrudd: { arsak: 'HODE_AVVIKER', id: hode.id },
    }
  }
  const brudd = (forsteBrudd: Brudd): Verifisering => ({
    gyldig: false,
    antall,
    startEtterId,
    sisteId: forrige?.id ?? null,
    forsteBrudd,
  })
  for (;;) {
    const hendelser = await store.kjede(etter, side)
    for (const h of hendelser) {
      const { forrigeHash, hash } = h
      // kanoniskForm reads only the event's own fields: no copy without id and hashes is needed.
      const medNokkel = kjedeHash(nokkel, forrigeHash, h) === hash
      if (!medNokkel && (noklet || !holderUnoklet(forrigeHash, h, hash))) return brudd({ arsak: 'ENDRET', id: h.id })
      if (forrigeHash !== forventetForrige)
        return brudd({ arsak: 'BRUTT_LENKE', id: h.id, forrigeId: forrige?.id ?? null })
      if (medNokkel) {
        // Unkeyed events hold only when the migration's anchor follows them: any other keyed
        // event after them is just the next write after whoever re-hashed the chain without the key.
        if (forsteUnoklet !== null && !erAnker(h, forrige)) return brudd({ arsak: 'UTEN_NOKKEL', id: forsteUnoklet })
        noklet = true
        forsteUnoklet = null
      } else {
        forsteUnoklet ??= h.id
      }
      if (hode && h.id === hode.id) {
        if (hash !== hode.hash) return brudd({ arsak: 'HODE_AVVIKER', id: h.id })
        hodeSett = true
      }
      forventetForrige = hash
      forrige = h
      antall++
    }
    // Only an empty page ends the walk: a store may return fewer than asked for (a page cap) while
    // more events follow, and stopping early would report an unchecked tail as valid.
    if (hendelser.length === 0) break
    etter = (hendelser.at(-1) as LagretHendelse).id
  }
  if (forsteUnoklet !== null) return brudd({ arsak: 'UTEN_NOKKEL', id: forsteUnoklet })
  if (hode && !hodeSett) return brudd({ arsak: 'HODE_MANGLER', id: hode.id })
  return { gyldig: true, antall, startEtterId, sisteId: forrige?.id ?? null, forsteBrudd: null }
}

/** The migration's anchor right after the unkeyed event `forrige`: it names that event. */
function erAnker(h: LagretHendelse, forrige: LagretHendelse | null): boolean {
  if (h.handling !== 'AUDIT_NOKKEL_INNFORT' || !forrige || !h.detaljer) return false
  try {
    const d = JSON.parse(h.detaljer) as { sisteUnokledeId?: unknown; sisteUnokledeHash?: unknown }
    return d.sisteUnokledeId === forrige.id && d.sisteUnokledeHash === forrige.hash
  } catch {
    return false
  }
}
