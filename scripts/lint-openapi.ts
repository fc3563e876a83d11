// Lints openapi/openapi.json as independent tools read it: Redocly CLI (recommended rules,
// redocly.yaml) and Spectral's spectral:oas. Both are devDependencies; nothing is fetched.
// `npm run lint:openapi` prints every finding and fails on an error; test/openapi.test.ts uses
// the same functions.
import { execFile } from 'node:child_process'
import { readFile, realpath } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import spectralCore from '@stoplight/spectral-core'
import spectralParsers from '@stoplight/spectral-parsers'
import { oas } from '@stoplight/spectral-rulesets'
import { OPENAPI_FIL } from './openapi.js'

export interface Funn {
  verktoy: 'redocly' | 'spectral'
  regel: string
  alvor: 'error' | 'warn' | 'info' | 'hint'
  melding: string
  hvor: string
}

const ROT = fileURLToPath(new URL('..', import.meta.url))

export async function redocly(fil = OPENAPI_FIL): Promise<Funn[]> {
  const bin = fileURLToPath(new URL('../node_modules/@redocly/cli/bin/cli.js', import.meta.url))
  // Exit code 1 on errors: the JSON report is read either way.
  const { stdout } = await promisify(execFile)(process.execPath, [bin, 'lint', fil, '--format=json'], {
    cwd: ROT,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((e: { stdout?: string }) => {
    if (typeof e.stdout === 'string' && e.stdout.startsWith('{')) return { stdout: e.stdout }
    throw e
  })
  const rapport = JSON.parse(stdout) as {
    problems: { ruleId: string; severity: 'error' | 'warn'; message: string; location: { pointer: string }[] }[]
  }
  return rapport.problems.map((p) => ({
    verktoy: 'redocly',
    regel: p.ruleId,
    alvor: p.severity,
    melding: p.message,
    hvor: p.location[0]?.pointer ?? '',
  }))
}

const ALVOR = ['error', 'warn', 'info', 'hint'] as const

export async function spectral(fil = OPENAPI_FIL): Promise<Funn[]> {
  // The packages are CommonJS with type declarations for named ESM imports that Node does not give.
  const { Spectral, Document } = spectralCore
  const s = new Spectral()
  s.setRuleset({ extends: [[oas as never, 'recommended']] })
  const funn = await s.run(new Document(await readFile(fil, 'utf8'), spectralParsers.Json, fil))
  return funn.map((f) => ({
    verktoy: 'spectral',
    regel: String(f.code),
    alvor: ALVOR[f.severity],
    melding: f.message,
    hvor: f.path.join('.'),
  }))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === (await realpath(process.argv[1]))) {
  const funn = [...(await redocly()), ...(await spectral())]
  for (const f of funn) process.stdout.write(`${f.alvor}\t${f.verktoy}\t${f.regel}\t${f.hvor}\t${f.melding}\n`)
  const feil = funn.filter((f) => f.alvor === 'error').length
  process.stdout.write(`${feil} feil, ${funn.length - feil} andre funn\n`)
  if (feil > 0) process.exitCode = 1
}
