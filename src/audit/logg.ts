// The audit log as the service uses it: the durable store, plus a CEF copy of each event once it
// is committed. The CEF copy never holds up or fails a request: the store is the record.
// Here too: the write deadline, readiness after a failed commit, and the chain head in the CEF
// stream.
import type { CefSink } from './cef.js'
import { tilCef, tilCefHode } from './cef.js'
import { AuditFeil, nyHendelse, type AuditHendelse, type AuditStore } from './port.js'

export interface AuditLogg extends AuditStore {
  /** Emits the chain's head to the CEF stream (outside the database); resolves with nothing to
   *  emit when the store holds no events or there is no stream. */
  sendHode(): Promise<void>
}

export interface LoggValg {
  /** A commit that has not answered by then fails (503), whatever the store is doing. */
  skrivefristMs?: number
  /** Named in readiness's trial commit and the head's CEF line. */
  instans?: string
}

export function medCef(
  store: AuditStore,
  sink: CefSink | null,
  maling?: (sekunder: number, hendelser: number) => void,
  valg: LoggValg = {},
): AuditLogg {
  const instans = valg.instans ?? 'ukjent'
  /** The last commit failed: readiness is down until one succeeds (a full disk answered 503 on
   *  every read while the store's own probe, a write rolled back, said UP). */
  let feilet = false
  const medFrist = (skriving: Promise<void>): Promise<void> => {
    const frist = valg.skrivefristMs
    if (frist === undefined) return skriving
    let timer: NodeJS.Timeout | undefined
    const utlopt = new Promise<never>((_, feil) => {
      timer = setTimeout(() => feil(new AuditFeil(`audit-skriving nådde ikke fristen på ${frist} ms`)), frist)
    })
    return Promise.race([skriving, utlopt]).finally(() => clearTimeout(timer))
  }
  const skriv = async (hendelser: AuditHendelse[]) => {
    const start = performance.now()
    try {
      // async: a store that throws instead of rejecting still gives a rejected promise.
      await medFrist((async () => store.skriv(hendelser))())
    } catch (e) {
      feilet = true
      throw e
    }
    feilet = false
    maling?.((performance.now() - start) / 1000, hendelser.length)
    try {
      sink?.send(hendelser.map(tilCef))
    } catch {
      // Committed is committed: the CEF copy never fails the request (the store is the record).
    }
  }
  const sendHode = async () => {
    if (!sink) return
    const hode = await store.hode()
    if (!hode) return
    try {
      sink.send([tilCefHode(hode, instans, Date.now())])
    } catch {
      // As for events: the stream's trouble is not the store's.
    }
  }
  return {
    skriv,
    klar: async () => {
      if (!(await store.klar())) return false
      if (!feilet) return true
      // A trial commit through the same path as every event: it proves what failed now works.
      try {
        await skriv([
          nyHendelse(
            { tid: Date.now(), navident: 'SYSTEM', callId: 'klarsjekk', instans },
            { handling: 'AUDIT_PROVESKRIVING', beslutning: 'Permit' },
          ),
        ])
        return true
      } catch {
        return false
      }
    },
    sok: (f) => store.sok(f),
    kjede: (etter, grense) => store.kjede(etter, grense),
    sjekkpunkt: () => store.sjekkpunkt(),
    slettFor: (tid, rader) => store.slettFor(tid, rader),
    hode: () => store.hode(),
    avvik: (s) => store.avvik(s),
    sendHode,
    lukk: async () => {
      // The last head before the store closes: what a later verification checks the tail against.
      await sendHode().catch(() => {})
      await store.lukk()
      await sink?.lukk()
    },
  }
}
