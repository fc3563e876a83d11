// Chooses the audit store named by AUDIT_STORE: `sqlite:<path>` (embedded) or a PostgreSQL URL
// (production, shared by every replica).
import { AuditFeil, type AuditStore } from './port.js'
import { PostgresAuditStore } from './postgres.js'
import { SqliteAuditStore } from './sqlite.js'

export { PostgresAuditStore, type PostgresValg } from './postgres.js'
export { SqliteAuditStore } from './sqlite.js'

export async function apneAuditStore(spesifikasjon: string, valg: { instans?: string } = {}): Promise<AuditStore> {
  if (spesifikasjon.startsWith('sqlite:')) {
    const sti = spesifikasjon.slice('sqlite:'.length)
    if (!sti) throw new AuditFeil('AUDIT_STORE: sqlite: mangler filsti (sqlite:<sti>)')
    try {
      return new SqliteAuditStore(sti)
    } catch (e) {
      throw new AuditFeil(`kunne ikke åpne audit-lageret ${sti}: ${(e as Error).message}`)
    }
  }
  if (/^postgres(ql)?:\/\//.test(spesifikasjon)) {
    // `?schema=<name>` picks the schema (default public); the driver must not see it.
    const url = new URL(spesifikasjon)
    const skjema = url.searchParams.get('schema')
    url.searchParams.delete('schema')
    return PostgresAuditStore.apne(url.toString(), {
      ...(valg.instans ? { instans: valg.instans } : {}),
      ...(skjema ? { skjema } : {}),
    })
  }
  // Never echo the value: a PostgreSQL URL may carry a password.
  throw new AuditFeil('AUDIT_STORE må være sqlite:<sti> eller postgres://…')
}
