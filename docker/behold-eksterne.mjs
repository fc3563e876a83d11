// Run in the Dockerfile's deps stage after `npm ci --omit=dev`: removes from node_modules every
// package the bundle does not load at run time. The bundle (scripts/bundle.ts) carries the service's
// dependencies; only its externals are looked up in node_modules, so the image keeps those and what
// they depend on (as resolved in package-lock.json), nothing else.
//   node docker/behold-eksterne.mjs <app dir> <package>...
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/** The lockfile paths (`node_modules/…`) of `navn`s and everything they depend on. */
export function lukning(lock, navn) {
  const pakker = lock.packages
  const beholdt = new Set()
  // Node's lookup: the package's own node_modules, then each enclosing one, then the top.
  const finn = (fra, avhengighet) => {
    let sti = fra
    for (;;) {
      const kandidat = `${sti ? `${sti}/` : ''}node_modules/${avhengighet}`
      if (pakker[kandidat]) return kandidat
      if (!sti) return null
      const i = sti.lastIndexOf('/node_modules/')
      sti = i < 0 ? '' : sti.slice(0, i)
    }
  }
  const ko = navn.map((n) => finn('', n)).filter((s) => s !== null)
  while (ko.length > 0) {
    const sti = ko.pop()
    if (beholdt.has(sti)) continue
    beholdt.add(sti)
    const p = pakker[sti]
    for (const a of Object.keys({ ...p.dependencies, ...p.optionalDependencies, ...p.peerDependencies })) {
      const funnet = finn(sti, a)
      if (funnet && !pakker[funnet].dev) ko.push(funnet)
    }
  }
  return beholdt
}

/** Removes each top-level package (and scope) under `dir`/node_modules outside `beholdt`. */
export function fjernResten(dir, beholdt) {
  const rot = join(dir, 'node_modules')
  for (const navn of readdirSync(rot)) {
    if (navn.startsWith('.')) continue
    const navnene = navn.startsWith('@') ? readdirSync(join(rot, navn)).map((n) => `${navn}/${n}`) : [navn]
    for (const n of navnene)
      if (!beholdt.has(`node_modules/${n}`)) rmSync(join(rot, n), { recursive: true, force: true })
    if (navn.startsWith('@') && readdirSync(join(rot, navn)).length === 0) rmSync(join(rot, navn), { recursive: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [dir, ...navn] = process.argv.slice(2)
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'))
  fjernResten(dir, lukning(lock, navn))
}
