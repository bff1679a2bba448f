// Two bttcd processes on loopback (plain Node.js, no npm packages): `keys nodekey` prints the
// enode the node then runs with; B dials A as a static node; both report the peer through
// net_peerCount and admin_peers over IPC (`bttcd attach --exec`), admin_nodeInfo carries the
// enode and the eth protocol; a peer added with admin_addPeer connects; B's shutdown reaches
// A as a Disconnect "client quitting".
//   node two_nodes.mjs BTTCD
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bttcd = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'bttcd-p2p-two-'));
writeFileSync(join(dir, 'plugins.conf'), '');
const children = [];
let failed = 0;
const check = (cond, what) => {
  console.log(`${cond ? 'ok' : 'not ok'} - ${what}`);
  if (!cond) failed++;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function start(name, extra) {
  const child = spawn(bttcd, ['run', '--config', join(dir, 'plugins.conf'), '--datadir',
    join(dir, name), '--nodiscover', '--p2p.addr', '127.0.0.1', '--p2p.port', '0',
    '--log.level', 'debug', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.log = '';
  child.stderr.on('data', (d) => { child.log += d.toString(); });
  children.push(child);
  return child;
}

async function waitFor(child, re, ms) {
  for (let t = 0; t < ms; t += 50) {
    const m = re.exec(child.log);
    if (m) return m;
    await sleep(50);
  }
  return null;
}

function rpc(name, method, params = '') {
  const r = spawnSync(bttcd, ['attach', join(dir, name, 'bttcd.ipc'), '--exec',
    `${method} ${params}`], { encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout);
  } catch {
    return r.stdout;
  }
}

async function main() {
  const printed = spawnSync(bttcd, ['keys', 'nodekey', '--datadir', join(dir, 'a')],
    { encoding: 'utf8' }).stdout.trim();
  check(/^enode:\/\/[0-9a-f]{128}@127\.0\.0\.1:30303$/.test(printed), 'keys nodekey prints an enode URL');
  const a = start('a', []);
  const m = await waitFor(a, /msg="p2p started" enode=(\S+)/, 10000);
  check(m && m[1].split('@')[0] === printed.split('@')[0], 'the node runs with the printed node key');
  const enodeA = m[1].replace('?discport=0', '');
  const b = start('b', ['--p2p.static', enodeA]);
  check(await waitFor(b, /msg="peer connected".*inbound=0/, 10000), 'B connects to A (static node)');
  check(await waitFor(a, /msg="peer connected".*inbound=1/, 10000), 'A accepts B');
  await waitFor(b, /msg="bttcd ready"/, 5000);
  check(rpc('a', 'net_peerCount') === '0x1' && rpc('b', 'net_peerCount') === '0x1',
    'net_peerCount is 0x1 on both');
  const peers = rpc('a', 'admin_peers');
  check(Array.isArray(peers) && peers.length === 1 && peers[0].network.inbound === true &&
        peers[0].protocols.eth?.version === 66 && /^bttcd\//.test(peers[0].name),
  'admin_peers shows the inbound eth/66 peer');
  const info = rpc('b', 'admin_nodeInfo');
  check(info?.enode?.startsWith('enode://') && info.protocols?.eth?.network === 1337 &&
        /^0x[0-9a-f]{64}$/.test(info.protocols.eth.genesis), 'admin_nodeInfo has enode and eth');
  check(info?.p2pStats?.peers === 1 && info.p2pStats.messagesOut['eth/Status']?.msgs === 1,
    'admin_nodeInfo p2pStats counts the peer and the Status sent');
  // A third node, added at run time.
  const c = start('c', []);
  const mc = await waitFor(c, /msg="p2p started" enode=(\S+)/, 10000);
  check(rpc('a', 'admin_addPeer', `["${mc[1].replace('?discport=0', '')}"]`) === true,
    'admin_addPeer accepts an enode URL');
  check(await waitFor(c, /msg="peer connected".*inbound=1/, 10000), 'the added peer connects');
  const bad = rpc('a', 'admin_addPeer', '["enode://nope"]');
  check(typeof bad === 'string' && /invalid enode/.test(bad), 'admin_addPeer refuses a bad URL');
  b.kill('SIGTERM');
  check(await waitFor(a, /msg="peer disconnected".*by=remote reason="client quitting"/, 5000),
    'B\'s shutdown reaches A as Disconnect(client quitting)');
}

try {
  await main();
} catch (e) {
  console.log(`not ok - ${e.stack ?? e}`);
  failed++;
}
for (const ch of children) ch.kill('SIGTERM');
await sleep(300);
if (failed) for (const ch of children) console.log(`--- bttcd log ---\n${ch.log}`);
rmSync(dir, { recursive: true, force: true });
console.log(failed ? `${failed} failed` : 'all passed');
process.exit(failed ? 1 : 0);
