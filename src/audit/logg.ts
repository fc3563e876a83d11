// The audit log as the service uses it: the durable store, plus a CEF copy of each event once it
// is committed. The CEF copy never holds up or fails a request: the store is the record.
import type { CefSink } from './cef.js'
import { tilCef } from './cef.js'
import type { AuditHendelse, AuditStore } from './port.js'

export function medCef(
  store: AuditStore,
  sink: CefSink | null,
  maling?: (sekunder: number, hendelser: number) => void,
): AuditStore {
  return {
    // async: a store that throws instead of rejecting still gives a rejected promise.
    skriv: async (hendelser: AuditHendelse[]) => {
      const start = performance.now()
      await store.skriv(hendelser)
      maling?.((performance.now() - start) / 1000, hendelser.length)
      try {
        sink?.send(hendelser.map(tilCef))
      } catch {
        // Committed is committed: the CEF copy never fails the request (the store is the record).
      }
    },
    klar: () => store.klar(),
    sok: (f) => store.sok(f),
    kjede: (etter, grense) => store.kjede(etter, grense),
    sjekkpunkt: () => store.sjekkpunkt(),
    slettFor: (tid, nokkel, rader) => store.slettFor(tid, nokkel, rader),
    lukk: async () => {
      await store.lukk()
      await sink?.lukk()
    },
  }
}
