import { request } from 'node:http';
import { openLedger } from './src/ledger/index.js';
import { createVintentServer } from './src/http/server.js';
const ledger = await openLedger('sqlite::memory:');
const svc = createVintentServer({ port: 0, ledger, issuerKeys: { keys: [] }, log: () => {} });
const { url } = await svc.listen();
for (const mib of [4, 9, 12, 40]) {
  const r = await new Promise<string>((resolve) => {
    const req = request(`${url}/v1/merchant/verify`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': mib * 1048576 } }, (res) => {
      let t = ''; res.on('data', (c) => (t += c)); res.on('end', () => resolve(`${res.statusCode} ${t.slice(0, 40)}`));
    });
    req.on('error', (e) => resolve(`error ${e.message}`));
    req.end(Buffer.alloc(mib * 1048576, 32));
  });
  console.log(mib, r);
}
const { execSync } = await import('node:child_process');
for (const mib of [12, 40]) {
  execSync(`head -c ${mib * 1048576} /dev/zero | tr '\\0' ' ' > /tmp/body.bin`);
  try { console.log('curl', mib, execSync(`curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' --data-binary @/tmp/body.bin ${url}/v1/merchant/verify`).toString()); } catch (e) { console.log('curl', mib, 'failed', (e as any).status, String((e as any).stdout)); }
}
await svc.close(); await ledger.close();
