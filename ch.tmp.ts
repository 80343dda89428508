import { Session } from 'chdb';
const t0 = Date.now();
const s = new Session(process.argv[2]);
console.log('open', Date.now() - t0);
console.log(s.query("SELECT currentDatabase(), timezone()", 'TSV'), Date.now() - t0);
const t1 = Date.now();
try { console.log(s.query("SELECT * FROM url('http://127.0.0.1:1/x', 'RawBLOB') SETTINGS max_execution_time=3", 'TSV')); } catch (e) { console.log('url err', (e as Error).message.slice(0, 150)); }
console.log('url ms', Date.now() - t1);
process.send?.({ hello: 1 });
