// CPU time from /proc, for the benches: a process's (every thread) or one thread's, and a local
// PostgreSQL server's.
import { readFileSync, readdirSync } from 'node:fs'

/** utime + stime, seconds, of a /proc stat file. The command name may hold spaces and ") ", so
 *  the fields are counted from its last closing parenthesis. */
function sekunder(stat: string): number {
  const felt = stat.slice(stat.lastIndexOf(') ') + 2).split(' ')
  return (Number(felt[11]) + Number(felt[12])) / 100
}

/** CPU seconds a process has used so far, every thread. */
export function cpuSekunder(pid: number): number {
  return sekunder(readFileSync(`/proc/${pid}/stat`, 'utf8'))
}

/** CPU seconds of a process's main thread (the event loop) alone: the rest of cpuSekunder is its
 *  other threads (V8's GC helpers, the audit writer, libuv's pool). */
export function hovedtradSekunder(pid: number): number {
  return sekunder(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'))
}

/** CPU seconds of every `postgres` process on this host so far (autovacuum and other databases'
 *  backends too, and a backend that ends takes its time with it: a quiet test server is assumed). */
export function postgresSekunder(): number {
  let sum = 0
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (stat.includes('(postgres)')) sum += sekunder(stat)
    } catch {
      // A process that ended meanwhile.
    }
  }
  return sum
}
