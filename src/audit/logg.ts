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
    // No async wrapper: one promise per write, the store's own.
    skriv: (hendelser: AuditHendelse[]) => {
      const start = performance.now()
      let lagret: Promise<void>
      try {
        lagret = store.skriv(hendelser)
      } catch (e) {
        // Callers chain .catch on the result: a store that throws must still reject.
        return Promise.reject(e)
      }
      return lagret.then(() => {
        maling?.((performance.now() - start) / 1000, hendelser.length)
        sink?.send(hendelser.map(tilCef))
      })
    },
    klar: () => store.klar(),
    sok: (f) => store.sok(f),
    kjede: (etter, grense) => store.kjede(etter, grense),
    sjekkpunkt: () => store.sjekkpunkt(),
    slettFor: (tid, nokkel) => store.slettFor(tid, nokkel),
    lukk: async () => {
      await store.lukk()
      await sink?.lukk()
    },
  }
}
