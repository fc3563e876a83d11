// Chooses the audit store named by AUDIT_STORE: `sqlite:<path>` (embedded) or a PostgreSQL URL
// (production, shared by every replica).
// Each store is loaded only when named: a SQLite deployment does not load the PostgreSQL driver at
// start-up, nor the other way round.
import { AuditFeil, type AuditStore } from './port.js'

export interface StoreValg {
  instans?: string
  /** The chain's key (AUDIT_NOKKEL). */
  nokkel?: string
  skrivefristMs?: number
  migrerUnoklet?: string | null
}

export async function apneAuditStore(spesifikasjon: string, valg: StoreValg = {}): Promise<AuditStore> {
  const felles = {
    ...(valg.instans ? { instans: valg.instans } : {}),
    ...(valg.nokkel ? { nokkel: valg.nokkel } : {}),
    ...(valg.skrivefristMs ? { skrivefristMs: valg.skrivefristMs } : {}),
    ...(valg.migrerUnoklet ? { migrerUnoklet: valg.migrerUnoklet } : {}),
  }
  if (spesifikasjon.startsWith('sqlite:')) {
    const sti = spesifikasjon.slice('sqlite:'.length)
    if (!sti) throw new AuditFeil('AUDIT_STORE: sqlite: mangler filsti (sqlite:<sti>)')
    const { SqliteAuditStore } = await import('./sqlite.js')
    try {
      return new SqliteAuditStore(sti, felles)
    } catch (e) {
      throw new AuditFeil(`kunne ikke åpne audit-lageret ${sti}: ${(e as Error).message}`)
    }
  }
  if (/^postgres(ql)?:\/\//.test(spesifikasjon)) {
    const [{ PostgresAuditStore }, { delSkjema }] = await Promise.all([
      import('./postgres.js'),
      import('../postgres.js'),
    ])
    const { url, skjema } = delSkjema(spesifikasjon) // default schema: public
    return PostgresAuditStore.apne(url, { ...felles, ...(skjema ? { skjema } : {}) })
  }
  // Never echo the value: a PostgreSQL URL may carry a password.
  throw new AuditFeil('AUDIT_STORE må være sqlite:<sti> eller postgres://…')
}
