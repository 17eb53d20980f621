// Preloaded into a CLI child (node --import) to fault its report writes: with FAULT_AT_WRITE=N the N-th
// file opened for the new report set either gets a SIGINT sent to the process (FAULT_KIND=sigint, the
// file already created) or fails with ENOSPC (FAULT_KIND=enospc). WRITE_LOG=FILE records each open.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const at = Number(process.env.FAULT_AT_WRITE ?? '0');
const kind = process.env.FAULT_KIND ?? 'sigint';
const log = process.env.WRITE_LOG;
let count = 0;
const realOpen = fsp.open;
fsp.open = async function open(path, flags, mode) {
  if (log) fs.appendFileSync(log, `${JSON.stringify({ path: String(path), flags })}\n`);
  count++;
  if (count === at && kind === 'enospc') throw Object.assign(new Error(`ENOSPC: no space left on device, open '${path}'`), { code: 'ENOSPC' });
  const handle = await realOpen.call(this, path, flags, mode);
  if (count === at && kind === 'sigint') process.kill(process.pid, 'SIGINT');
  return handle;
};
syncBuiltinESMExports();
