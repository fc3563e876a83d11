// Summarises a V8 CPU profile (`BENCH_NODE_FLAGG="--cpu-prof --cpu-prof-dir=…" npm run bench`):
// the top frames by self time, and inclusive time per package or source file, so the note on
// where the time goes can be written from numbers. Usage: tsx bench/profil.ts <file> [n]
import { readFileSync } from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profil {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const [fil, antallArg] = process.argv.slice(2)
if (!fil) throw new Error('bruk: tsx bench/profil.ts <fil.cpuprofile> [antall]')
const antall = Number(antallArg ?? 25)
const p = JSON.parse(readFileSync(fil, 'utf8')) as Profil
const noder = new Map(p.nodes.map((n) => [n.id, n]))
const forelder = new Map<number, number>()
for (const n of p.nodes) for (const c of n.children ?? []) forelder.set(c, n.id)

const selv = new Map<number, number>()
p.samples.forEach((id, i) => selv.set(id, (selv.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
// Shares are of busy time: a service idle between load rounds would otherwise dilute them.
const tomgang = [...selv]
  .filter(([id]) => (noder.get(id) as Node).callFrame.functionName === '(idle)')
  .reduce((a, [, t]) => a + t, 0)
for (const [id] of selv) if ((noder.get(id) as Node).callFrame.functionName === '(idle)') selv.delete(id)
const total = [...selv.values()].reduce((a, b) => a + b, 0)
const pst = (x: number) => `${((100 * x) / total).toFixed(1)} %`

/** node_modules package, or the source file, or the V8 category. */
function gruppe(url: string, navn: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (m) return m[1] as string
  if (url.includes('/src/')) return `src/${url.split('/src/').pop()}`
  if (url.startsWith('node:')) return url
  return url ? url.split('/').slice(-2).join('/') : `(${navn || 'anonym'})`
}

// Self time per frame (function and place).
const perRamme = new Map<string, number>()
for (const [id, t] of selv) {
  const { functionName, url, lineNumber } = (noder.get(id) as Node).callFrame
  const nokkel = `${functionName || '(anonymous)'}  ${gruppe(url, functionName)}:${lineNumber + 1}`
  perRamme.set(nokkel, (perRamme.get(nokkel) ?? 0) + t)
}
// Self time per group.
const selvPerGruppe = new Map<string, number>()
for (const [id, t] of selv) {
  const { url, functionName } = (noder.get(id) as Node).callFrame
  const g = gruppe(url, functionName)
  selvPerGruppe.set(g, (selvPerGruppe.get(g) ?? 0) + t)
}
// Inclusive time per group: each sample counts once for every group on its stack.
const inklusiv = new Map<string, number>()
for (const [id, t] of selv) {
  const sett = new Set<string>()
  for (let n: number | undefined = id; n !== undefined; n = forelder.get(n)) {
    const { url, functionName } = (noder.get(n) as Node).callFrame
    sett.add(gruppe(url, functionName))
  }
  for (const g of sett) inklusiv.set(g, (inklusiv.get(g) ?? 0) + t)
}

const topp = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, antall)
process.stdout.write(
  `${(total / 1e6).toFixed(1)} s busy (${(tomgang / 1e6).toFixed(1)} s idle left out); shares are of busy time\n\nself time, top ${antall}:\n`,
)
for (const [k, t] of topp(perRamme)) process.stdout.write(`${pst(t).padStart(7)}  ${k}\n`)
process.stdout.write(`\nself time, by package or file:\n`)
for (const [k, t] of topp(selvPerGruppe)) process.stdout.write(`${pst(t).padStart(7)}  ${k}\n`)
process.stdout.write(`\ninclusive, by package or file (a hook's time includes the hooks it calls next):\n`)
for (const [k, t] of topp(inklusiv)) process.stdout.write(`${pst(t).padStart(7)}  ${k}\n`)
