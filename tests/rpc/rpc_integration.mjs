// bttcd's RPC transports end to end: HTTP (vhosts, CORS preflight, content type, body limit,
// admin token, batches), WebSocket (handshake, origin check, requests, a test subscription),
// IPC (a stream of values) and `bttcd attach`. Usage: node rpc_integration.mjs PATH/TO/bttcd
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const bttcd = process.argv[2];
const dir = mkdtempSync(path.join(os.tmpdir(), 'bttcd-rpc-'));
const datadir = path.join(dir, 'data');
writeFileSync(path.join(dir, 'plugins.conf'), '# no plugins\n');
let passed = 0;
const ok = (name) => { passed++; console.log(`ok ${passed} - ${name}`); };

const node = spawn(bttcd, ['run', '--config', path.join(dir, 'plugins.conf'), '--datadir', datadir,
  '--http', '--http.port', '0', '--ws', '--ws.port', '0', '--http.corsdomain', 'http://good.example',
  '--rpc.max-request-size', '4096', '--rpc.batch-request-limit', '3',
  '--maxpeers', '0', '--nodiscover'], // no p2p: its net_* methods would change rpc_modules
  { env: { ...process.env, BTTCD_RPC_TEST: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
let log = '';
const ports = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('bttcd did not start:\n' + log)), 15000);
  node.stderr.on('data', (d) => {
    log += d;
    const h = /msg="http server" addr=127\.0\.0\.1:(\d+)/.exec(log);
    const w = /msg="ws server" addr=127\.0\.0\.1:(\d+)/.exec(log);
    if (h && w && /bttcd ready/.test(log)) { clearTimeout(timer); resolve({ http: +h[1], ws: +w[1] }); }
  });
  node.on('exit', (c) => reject(new Error(`bttcd exited ${c}:\n${log}`)));
});

function request(opts, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: ports.http, method: 'POST', ...opts,
      headers: { 'content-type': 'application/json', ...(opts.headers || {}) } }, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
const rpc = async (method, params, headers = {}) =>
  JSON.parse((await request({ headers }, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }))).body);

// --- HTTP ------------------------------------------------------------------------------------
let r = await rpc('web3_clientVersion', []);
assert.match(r.result, /^bttcd\/v[0-9.]+\/linux-[a-z0-9]+\/(gcc|clang)/);
ok('http web3_clientVersion');
let raw = await request({}, '{"jsonrpc":"2.0","id":7,"method":"web3_sha3","params":["0x68656c6c6f"]}');
assert.equal(raw.status, 200);
assert.equal(raw.headers['content-type'], 'application/json');
assert.equal(raw.body, '{"jsonrpc":"2.0","id":7,"result":"0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8"}\n');
ok('http exact body');
raw = await request({}, '{"jsonrpc":"2.0","method":"web3_clientVersion"}');
assert.equal(raw.status, 200); assert.equal(raw.body, '');
ok('http notification: empty body');
raw = await request({}, '[{"jsonrpc":"2.0","id":1,"method":"rpc_modules"},{"jsonrpc":"2.0","id":"x","method":"nope"}]');
assert.deepEqual(JSON.parse(raw.body), [{ jsonrpc: '2.0', id: 1, result: { rpc: '1.0', test: '1.0', web3: '1.0' } },
  { jsonrpc: '2.0', id: 'x', error: { code: -32601, message: 'the method nope does not exist/is not available' } }]);
ok('http batch');
raw = await request({}, '[1,2,3,4]');
assert.equal(raw.body, '[{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batch too large"}}]\n');
ok('http batch limit');
raw = await request({}, '{"jsonrpc":');
assert.equal(raw.body, '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}\n');
ok('http parse error');
raw = await request({ headers: { host: 'evil.example:8545' } }, '{}');
assert.equal(raw.status, 403); assert.equal(raw.body, 'invalid host specified\n');
raw = await request({ headers: { host: 'localhost:8545' } }, '{"jsonrpc":"2.0","id":1,"method":"rpc_modules"}');
assert.equal(raw.status, 200);
ok('http vhosts');
raw = await request({ method: 'OPTIONS', headers: { origin: 'http://good.example',
  'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
assert.equal(raw.status, 200);
assert.equal(raw.headers['access-control-allow-origin'], 'http://good.example');
assert.equal(raw.headers['access-control-allow-methods'], 'POST');
assert.equal(raw.headers['access-control-max-age'], '600');
raw = await request({ method: 'OPTIONS', headers: { origin: 'http://bad.example', 'access-control-request-method': 'POST' } });
assert.equal(raw.status, 200); assert.equal(raw.headers['access-control-allow-origin'], undefined);
raw = await request({ headers: { origin: 'http://good.example' } }, '{"jsonrpc":"2.0","id":1,"method":"rpc_modules"}');
assert.equal(raw.headers['access-control-allow-origin'], 'http://good.example');
ok('http cors');
raw = await request({ method: 'GET', headers: { 'content-type': '' } });
assert.equal(raw.status, 200); assert.equal(raw.body, '');
raw = await request({ headers: { 'content-type': 'text/plain' } }, '{}');
assert.equal(raw.status, 415); assert.equal(raw.body, 'invalid content type, only application/json is supported\n');
raw = await request({ method: 'PUT' }, '{}');
assert.equal(raw.status, 405);
raw = await request({ path: '/other' }, '{}');
assert.equal(raw.status, 404);
ok('http methods, content type, path');
const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'web3_sha3', params: ['0x' + '00'.repeat(2500)] });
raw = await request({ headers: { 'content-length': big.length } }, big);
assert.equal(raw.status, 413); assert.equal(raw.body, 'content length too large (5061>4096)\n');
raw = await request({}, big); // node sends it chunked
assert.equal(raw.status, 413); assert.equal(raw.body, 'request body too large\n');
ok('http body limit');
const token = readFileSync(path.join(datadir, 'admin.token'), 'utf8').trim();
assert.match(token, /^[0-9a-f]{64}$/);
assert.equal(statSync(path.join(datadir, 'admin.token')).mode & 0o777, 0o600);
r = await rpc('admin_nodeInfo', []);
assert.equal(r.error.code, -32601);
r = await rpc('admin_nodeInfo', [], { authorization: 'Bearer ' + token });
assert.equal(r.result.datadir, datadir);
raw = await request({ headers: { authorization: 'Bearer ' + '0'.repeat(64) } }, '{"jsonrpc":"2.0","id":1,"method":"admin_nodeInfo"}');
assert.equal(raw.status, 401); assert.equal(raw.body, 'invalid admin token\n');
r = await rpc('admin_plugins', [], { authorization: 'Bearer ' + token });
assert.deepEqual(r.result, []);
ok('admin token');

// --- WebSocket -------------------------------------------------------------------------------
function wsConnect(port, headers = {}) {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const sock = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0), open = false;
    const msgs = [], waiters = [];
    const deliver = () => { while (msgs.length && waiters.length) waiters.shift()(msgs.shift()); };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!open) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        buf = buf.subarray(end + 4);
        if (!head.startsWith('HTTP/1.1 101')) { sock.destroy(); return resolve({ rejected: head }); }
        const want = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
        assert.match(head, new RegExp('Sec-WebSocket-Accept: ' + want.replace(/[+/=]/g, '\\$&')));
        open = true;
        resolve(client);
      }
      while (buf.length >= 2) {
        let len = buf[1] & 0x7f, off = 2;
        if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
        else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
        if (buf.length < off + len) return;
        const op = buf[0] & 0x0f, payload = buf.subarray(off, off + len).toString();
        buf = buf.subarray(off + len);
        if (op === 1) msgs.push(payload);
        deliver();
      }
    });
    sock.on('error', reject);
    const client = {
      send(text) {
        const p = Buffer.from(text), mask = randomBytes(4);
        const head = p.length < 126 ? Buffer.from([0x81, 0x80 | p.length])
          : Buffer.from([0x81, 0x80 | 126, p.length >> 8, p.length & 0xff]);
        const body = Buffer.from(p.map((b, i) => b ^ mask[i % 4]));
        sock.write(Buffer.concat([head, mask, body]));
      },
      next() { return new Promise((res) => { waiters.push(res); deliver(); }); },
      close() { sock.destroy(); },
    };
    sock.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
      Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n');
  });
}
const ws = await wsConnect(ports.ws);
ws.send('{"jsonrpc":"2.0","id":1,"method":"web3_sha3","params":["0x"]}');
assert.equal(await ws.next(), '{"jsonrpc":"2.0","id":1,"result":"0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"}');
ok('ws request');
ws.send('{"jsonrpc":"2.0","id":2,"method":"test_subscribe","params":[3,5]}');
const sub = JSON.parse(await ws.next());
assert.match(sub.result, /^0x[0-9a-f]{1,32}$/);
for (let i = 1; i <= 3; i++)
  assert.equal(await ws.next(), `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"${sub.result}","result":${i}}}`);
ws.send(`{"jsonrpc":"2.0","id":3,"method":"test_unsubscribe","params":["${sub.result}"]}`);
assert.equal(await ws.next(), '{"jsonrpc":"2.0","id":3,"result":true}');
ok('ws subscription');
ws.send('{"jsonrpc":"2.0","id":4,"method":"test_subscribe","params":[1000,20]}');
JSON.parse(await ws.next());
ws.close(); // the node drops the subscription with the connection (checked by the clean exit)
r = await rpc('test_subscribe', [1, 1]);
assert.deepEqual(r.error, { code: -32001, message: 'notifications not supported' });
ok('http has no subscriptions');
const bad = await wsConnect(ports.ws, { Origin: 'http://evil.example' });
assert.match(bad.rejected, /^HTTP\/1.1 403/);
const good = await wsConnect(ports.ws, { Origin: 'http://localhost' });
good.send('{"jsonrpc":"2.0","id":1,"method":"admin_nodeInfo"}');
assert.equal(JSON.parse(await good.next()).error.code, -32601);
good.close();
const adm = await wsConnect(ports.ws, { Authorization: 'Bearer ' + token });
adm.send('{"jsonrpc":"2.0","id":1,"method":"admin_nodeInfo"}');
assert.equal(JSON.parse(await adm.next()).result.datadir, datadir);
adm.close();
ok('ws origins and admin token');

// --- IPC -------------------------------------------------------------------------------------
const ipcPath = path.join(datadir, 'bttcd.ipc');
assert.equal(statSync(ipcPath).mode & 0o777, 0o600);
const ipcAnswers = await new Promise((resolve, reject) => {
  const s = net.connect(ipcPath);
  let data = '';
  s.on('data', (d) => { data += d; if (data.split('\n').length > 3) { s.destroy(); resolve(data); } });
  s.on('error', reject);
  // Two values in one write, one split across writes, no newline between the first two.
  s.write('{"jsonrpc":"2.0","id":1,"method":"admin_nodeInfo"}{"jsonrpc":"2.0","id":2,"method":"web3_sha3","params":["0x"]}\n{"jsonrpc":"2.0",');
  setTimeout(() => s.write('"id":3,"method":"rpc_modules"}'), 50);
});
const lines = ipcAnswers.trim().split('\n').map((l) => JSON.parse(l));
assert.equal(lines[0].result.datadir, datadir);
assert.equal(lines[1].result, '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
assert.equal(lines[2].result.admin, '1.0');
ok('ipc stream');

// --- attach ----------------------------------------------------------------------------------
let a = spawnSync(bttcd, ['attach', '--datadir', datadir, '--exec', 'web3_sha3 ["0x"]'], { encoding: 'utf8' });
assert.equal(a.status, 0);
assert.equal(a.stdout, '"0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"\n');
a = spawnSync(bttcd, ['attach', ipcPath, '--exec', 'web3_sha3 "zz"'], { encoding: 'utf8' });
assert.equal(a.status, 1);
assert.equal(a.stdout, 'error -32602: invalid argument 0: json: cannot unmarshal hex string without 0x prefix into Go value of type hexutil.Bytes\n');
a = spawnSync(bttcd, ['attach', ipcPath], { encoding: 'utf8', input: 'rpc_modules\nadmin_plugins\n' });
assert.equal(a.status, 0);
assert.equal(a.stdout, '{\n  "admin": "1.0",\n  "rpc": "1.0",\n  "test": "1.0",\n  "web3": "1.0"\n}\n[]\n');
a = spawnSync(bttcd, ['attach', path.join(dir, 'none.ipc'), '--exec', 'rpc_modules'], { encoding: 'utf8' });
assert.equal(a.status, 1);
assert.equal(a.stderr, `no bttcd at ${path.join(dir, 'none.ipc')} (is the node running?)\n`);
ok('attach');

// --- shutdown --------------------------------------------------------------------------------
const code = await new Promise((resolve) => { node.on('exit', resolve); node.kill('SIGTERM'); });
assert.equal(code, 0, log);
assert.throws(() => statSync(ipcPath)); // the socket file is removed
ok('clean shutdown');
rmSync(dir, { recursive: true, force: true });
console.log(`# ${passed} passed`);
