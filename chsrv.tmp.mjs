import http from 'node:http';
import { Session } from 'chdb';
import { mkdtempSync } from 'node:fs';
const s = new Session(mkdtempSync('/tmp/bie/srv-'));
s.query("CREATE TABLE bi_visitors_daily (site_id String, local_date Date, visitors Nullable(UInt64)) ENGINE = Memory");
s.query("INSERT INTO bi_visitors_daily VALUES ('a', '2026-01-01', 7), ('a', '2026-01-02', NULL)");
http.createServer((req, res) => { let b=''; req.on('data', d => b += d); req.on('end', async () => {
  const u = new URL(req.url, 'http://x');
  const q = [u.searchParams.get('query') ?? '', b].filter(Boolean).join('\n');
  const fmt = req.headers['x-clickhouse-format'] ?? u.searchParams.get('default_format') ?? 'TabSeparated';
  console.log(JSON.stringify({u:req.url, fmt, h: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host','content-length','connection','authorization','user-agent'].includes(k))), q}));
  try { const r = await s.queryAsync(q, { format: fmt }); res.writeHead(200, {'X-ClickHouse-Format': fmt}); res.end(Buffer.from(r.bytes())); }
  catch (e) { const code = /Code: (\d+)/.exec(e.message)?.[1] ?? '1'; console.log('ERR', e.message.slice(0,300)); res.writeHead(500, {'X-ClickHouse-Exception-Code': code}); res.end(`Code: ${code}. DB::Exception: failed. (REVISIT_BI)\n`); }
}); }).listen(18123, '127.0.0.1');
