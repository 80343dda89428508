import { BiSandbox } from './analytics-api/bi/sandbox/bi-sandbox.ts';
import { detectBiIsolation } from './analytics-api/bi/sandbox/bi-isolation.ts';
import { biLimitsSchema } from './schemas/bi-config.schema.ts';
import { createLogger } from './common/logger.ts';
const iso = await detectBiIsolation('auto');
console.log(iso);
let t = Date.now();
const sb = await BiSandbox.start({ isolation: iso, hidden: ['/tmp/bie/data'], limits: biLimitsSchema.parse({ maxExecutionSeconds: 2, killMarginSeconds: 1 }), logger: createLogger('t') });
console.log('started', Date.now() - t);
console.log(await sb.load([{ name: 'bi_visitors_daily', tsv: Buffer.from('site_id\tv\nString\tNullable(UInt64)\na\t1\nb\t\\N\n') }]));
const r = await sb.query('SELECT * FROM bi_visitors_daily', 'JSONEachRow', false);
console.log(r, Buffer.from((await sb.read(r.id))!).toString(), await sb.read(r.id));
for (const q of ["SELECT * FROM file('/tmp/bie/data/canary', 'RawBLOB')", "SELECT 1 INTO OUTFILE '/tmp/bie/outx'", "SELECT database, name FROM system.tables WHERE database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema')", "SELECT * FROM file('/proc/self/environ', 'RawBLOB')", "SELECT count() FROM numbers(10000000000)"]) {
  t = Date.now();
  try { const r = await sb.query(q, 'TSV', false); const c = await sb.read(r.id); console.log(q, JSON.stringify(c && Buffer.from(c).toString())); } catch (e) { console.log(q, 'ERR', (e as Error).message, Date.now() - t); }
}
await sb.stop();
