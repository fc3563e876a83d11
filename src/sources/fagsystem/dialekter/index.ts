import type { DialektAdapter } from '../port.js'
import { generiskV1 } from './generisk-v1.js'
import { socioV1 } from './socio-v1.js'

/** One adapter per fagsystem dialect; a new vendor is a new entry here and nothing else. */
export const DIALEKTER: Readonly<Record<string, DialektAdapter>> = Object.freeze({
  'generisk.v1': generiskV1,
  'socio.v1': socioV1,
})
