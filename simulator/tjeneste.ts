// The service with the simulator in-process as every upstream: `npm run dev`, and the entry of the
// service's bundle (scripts/bundle.ts), where this import becomes one of the simulator's own bundle
// beside it. Loaded only in development with no upstream set, so production never reads it.
import { startTjenesten } from '../src/start.js'

await startTjenesten(process.env, async (valg) => (await import('./index.js')).startSimulator(valg))
