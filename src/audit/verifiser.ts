// Walks the hash chain from its start (or from the retention checkpoint) and names the first
// event that does not hold: changed content, or a broken link (an event removed, inserted or
// moved before it).
import { GENESIS_HASH, kjedeHash, sjekkpunktSignatur, type AuditStore, type LagretHendelse } from './port.js'

export type Brudd =
  | { arsak: 'ENDRET'; id: number }
  | { arsak: 'BRUTT_LENKE'; id: number; forrigeId: number | null }
  | { arsak: 'UGYLDIG_SJEKKPUNKT'; id: null }

export interface Verifisering {
  gyldig: boolean
  /** Events checked. */
  antall: number
  /** Where the checked chain starts: 0, or the last id removed by retention. */
  startEtterId: number
  sisteId: number | null
  forsteBrudd: Brudd | null
}

/** Walks started again when retention moved the checkpoint during a walk. */
const OMSTARTER = 3

export async function verifiserKjede(
  store: AuditStore,
  valg: { nokkel: string | null; sidestorrelse?: number },
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
  valg: { nokkel: string | null; sidestorrelse?: number },
): Promise<Verifisering> {
  const side = Math.max(1, Math.trunc(valg.sidestorrelse ?? 1000))
  if (sp) {
    const { signatur, ...felt } = sp
    if (sjekkpunktSignatur(felt, valg.nokkel) !== signatur) {
      return { gyldig: false, antall: 0, startEtterId: sp.sisteSlettedeId, sisteId: null, forsteBrudd: { arsak: 'UGYLDIG_SJEKKPUNKT', id: null } }
    }
  }
  const startEtterId = sp?.sisteSlettedeId ?? 0
  let forventetForrige = sp?.sisteSlettedeHash ?? GENESIS_HASH
  let forrige: LagretHendelse | null = null
  let etter = startEtterId
  let antall = 0
  for (;;) {
    const hendelser = await store.kjede(etter, side)
    for (const h of hendelser) {
      const { forrigeHash, hash } = h
      // kanoniskForm reads only the event's own fields: no copy without id and hashes is needed.
      if (kjedeHash(forrigeHash, h) !== hash) {
        return { gyldig: false, antall, startEtterId, sisteId: forrige?.id ?? null, forsteBrudd: { arsak: 'ENDRET', id: h.id } }
      }
      if (forrigeHash !== forventetForrige) {
        return {
          gyldig: false, antall, startEtterId, sisteId: forrige?.id ?? null,
          forsteBrudd: { arsak: 'BRUTT_LENKE', id: h.id, forrigeId: forrige?.id ?? null },
        }
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
  return { gyldig: true, antall, startEtterId, sisteId: forrige?.id ?? null, forsteBrudd: null }
}
