// The service's own entry, the only reader of process.env: production, or development with every
// upstream named. `npm run dev` and the bundle start through simulator/tjeneste.ts instead, which
// gives the simulator as the stand-in.
import { startTjenesten } from './start.js'

// A rejection is thrown as uncaught: close-with-grace closes what is open if it is installed by
// then, else Node prints it and exits with 1.
await startTjenesten(process.env)
