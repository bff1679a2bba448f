// Interop of bttcd's devp2p stack with a third-party implementation, @ethereumjs/devp2p
// (pinned in package-lock.json): ethereumjs dials bttcd and bttcd dials ethereumjs; each way
// the RLPx handshake (EIP-8), Hello (p2p v5, Snappy), the eth/66 Status with bttcd's genesis
// and fork id, then GetBlockHeaders (by number and by hash) and GetBlockBodies answered from
// bttcd's genesis backend; and a mismatched genesis refused on both sides, both ways.
//   node interop.mjs BTTCD        exit 0 pass, 1 fail, 77 skipped (npm packages missing)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let devp2p, common, rlp, util;
try {
  devp2p = await import('@ethereumjs/devp2p');
  common = await import('@ethereumjs/common');
  rlp = await import('@ethereumjs/rlp');
  util = await import('@ethereumjs/util');
} catch (e) {
  console.log(`SKIP: @ethereumjs packages not installed (npm ci in tests/p2p): ${e.message}`);
  process.exit(77);
}
const { RLPx, ETH, DISCONNECT_REASON } = devp2p;
const { RLP } = rlp;
const { bytesToHex, hexToBytes, intToBytes, bytesToInt, equalsBytes } = util;
const keccak256 = (await import('ethereum-cryptography/keccak.js')).keccak256;

const bttcd = process.argv[2];
if (!bttcd) {
  console.error('usage: node interop.mjs BTTCD');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'bttcd-p2p-interop-'));
writeFileSync(join(dir, 'plugins.conf'), '');
const children = [];
let failed = 0;
const check = (cond, what) => {
  if (cond) {
    console.log(`ok - ${what}`);
  } else {
    console.log(`not ok - ${what}`);
    failed++;
  }
};
// RLP integers are canonical: zero is the empty string (intToBytes(0) is 0x00, refused).
const num = (n) => (n === 0 ? new Uint8Array() : intToBytes(n));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const withTimeout = (p, ms, what) =>
  Promise.race([p, sleep(ms).then(() => { throw new Error(`timeout: ${what}`); })]);

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Start bttcd; resolve with its enode and genesis from the "p2p started" line.
function startBttcd(name, extra) {
  const args = ['run', '--config', join(dir, 'plugins.conf'), '--datadir', join(dir, name),
    '--ipcdisable', '--nodiscover', '--p2p.addr', '127.0.0.1', '--p2p.port', '0',
    '--log.level', 'debug', ...extra];
  const child = spawn(bttcd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  child.log = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      child.log += d.toString();
      const m = /msg="p2p started" enode=(\S+) .*genesis=(0x[0-9a-f]{64})/.exec(child.log);
      if (m && !child.started) {
        child.started = true;
        resolve({ child, enode: m[1], genesis: hexToBytes(m[2]) });
      }
    });
    child.once('exit', (code) => reject(new Error(`bttcd exited ${code}: ${child.log}`)));
  });
}

function parseEnode(url) {
  const m = /^enode:\/\/([0-9a-f]{128})@([0-9.]+):(\d+)/.exec(url);
  return { id: hexToBytes(`0x${m[1]}`), address: m[2], tcpPort: Number(m[3]) };
}

// A Common whose fork id matches bttcd's dev chain: chain id 1337 and every fork at block 0
// (EIP-2124 skips forks at genesis, so FORK_HASH is the CRC32 of the genesis hash).
function devCommon(genesis) {
  const names = ['chainstart', 'homestead', 'dao', 'tangerineWhistle', 'spuriousDragon',
    'byzantium', 'constantinople', 'petersburg', 'istanbul', 'muirGlacier', 'berlin', 'london'];
  const c = common.createCustomCommon(
    { name: 'bttcd-dev', chainId: 1337, hardforks: names.map((n) => ({ name: n, block: 0 })) },
    common.Mainnet, { hardfork: 'london' });
  c.setForkHashes(genesis);
  return c;
}

function newRlpx(genesis) {
  return new RLPx(randomBytes(32), {
    maxPeers: 5,
    capabilities: [ETH.eth66],
    common: devCommon(genesis),
    clientId: util.utf8ToBytes('ethereumjs-interop'),
  });
}

// The eth/66 session on one ethereumjs peer: Status, then the requests; resolves a report.
function ethSession(rlpx, genesis, statusGenesis) {
  return new Promise((resolve) => {
    const report = { refusedByEjs: null, removed: null };
    rlpx.events.on('peer:error', (peer, err) => {
      report.refusedByEjs ??= String(err.message ?? err);
    });
    rlpx.events.on('peer:removed', (peer, reason, disconnectWe) => {
      report.removed = { reason, disconnectWe };
      resolve(report);
    });
    rlpx.events.on('peer:added', async (peer) => {
      report.hello = { client: String(peer.getHelloMessage().clientId),
        version: peer.getHelloMessage().protocolVersion };
      const eth = peer.getProtocols()[0];
      const pending = new Map();
      eth.events.on('message', (code, payload) => {
        const id = bytesToInt(payload[0]);
        pending.get(id)?.({ code, payload });
      });
      const ask = (code, body) => new Promise((res) => {
        const id = 1 + Math.floor(Math.random() * 1e6);
        pending.set(id, res);
        eth.sendMessage(code, [intToBytes(id), body]);
      });
      eth.events.once('status', async (st) => {
        report.status = st;
        const H = devp2p.EthMessageCodes;
        report.byNumber = await withTimeout(
          ask(H.GET_BLOCK_HEADERS, [num(0), num(1), num(0), num(0)]),
          5000, 'headers by number');
        report.byHash = await withTimeout(
          ask(H.GET_BLOCK_HEADERS, [genesis, num(2), num(0), num(0)]),
          5000, 'headers by hash');
        report.missing = await withTimeout(
          ask(H.GET_BLOCK_HEADERS, [num(5), num(1), num(0), num(0)]),
          5000, 'headers past the head');
        report.bodies = await withTimeout(ask(H.GET_BLOCK_BODIES, [genesis]), 5000, 'bodies');
        report.receipts = await withTimeout(ask(H.GET_RECEIPTS, [genesis]), 5000, 'receipts');
        peer.disconnect(DISCONNECT_REASON.CLIENT_QUITTING);
      });
      try {
        eth.sendStatus({ td: intToBytes(1), bestHash: statusGenesis, genesisHash: statusGenesis });
      } catch (e) {
        report.refusedByEjs ??= String(e.message ?? e);
      }
    });
  });
}

function checkAnswers(how, r, genesis) {
  check(r.hello?.version === 5, `${how}: Hello, p2p v5 (Snappy)`);
  check(r.status && equalsBytes(r.status.genesisHash, genesis), `${how}: eth/66 Status with bttcd's genesis`);
  check(r.status && bytesToInt(r.status.chainId) === 1337, `${how}: network id 1337`);
  const h = r.byNumber?.payload[1];
  check(r.byNumber?.code === 4 && h.length === 1 && equalsBytes(keccak256(RLP.encode(h[0])), genesis),
    `${how}: GetBlockHeaders by number answered with the genesis header`);
  check(r.byHash?.code === 4 && r.byHash.payload[1].length === 1, `${how}: GetBlockHeaders by hash`);
  check(r.missing?.code === 4 && r.missing.payload[1].length === 0, `${how}: unknown block: empty answer`);
  const b = r.bodies?.payload[1];
  check(r.bodies?.code === 6 && b.length === 1 && b[0][0].length === 0 && b[0][1].length === 0,
    `${how}: GetBlockBodies: the genesis body is empty`);
  check(r.receipts?.code === 0x10 && r.receipts.payload[1].length === 1, `${how}: GetReceipts`);
  check(r.removed?.disconnectWe === true, `${how}: clean disconnect`);
}

// ethereumjs sends its Disconnect uncompressed after a v5 Hello: bttcd must read it as the
// peer leaving (by=remote, its reason), not as "bad snappy data" with a ban.
async function checkCleanLeave(how, node) {
  const left = /msg="peer disconnected".*by=remote reason="client quitting"/;
  for (let i = 0; i < 50 && !left.test(node.child.log); i++) await sleep(100);
  check(left.test(node.child.log) && !/bad snappy|msg="peer banned"|msg="peer misbehaved"/
    .test(node.child.log), `${how}: bttcd reads ethereumjs' Disconnect (client quitting), no ban`);
}

async function checkRefused(how, r, node) {
  check(/Genesis block mismatch/.test(r.refusedByEjs ?? '') ||
        r.removed?.reason === DISCONNECT_REASON.SUBPROTOCOL_ERROR,
  `${how}: ethereumjs refuses / is refused (${r.refusedByEjs ?? `reason ${r.removed?.reason}`})`);
  // When ethereumjs refuses first, bttcd reads the Status a moment later: wait for its log
  // line instead of racing it (a loaded CI machine lost that race).
  const refused = /msg="peer refused".*reason="genesis mismatch"/;
  for (let i = 0; i < 50 && !refused.test(node.child.log); i++) await sleep(100);
  check(refused.test(node.child.log),
    `${how}: bttcd refuses the peer with a logged reason (genesis mismatch)`);
}

async function main() {
  // 1. ethereumjs dials bttcd.
  const a = await withTimeout(startBttcd('a', []), 10000, 'bttcd a start');
  let rlpx = newRlpx(a.genesis);
  let session = ethSession(rlpx, a.genesis, a.genesis);
  await rlpx.connect(parseEnode(a.enode));
  checkAnswers('ethereumjs dials bttcd', await withTimeout(session, 10000, 'session a'), a.genesis);
  await checkCleanLeave('ethereumjs dials bttcd', a);
  rlpx.destroy();

  // 2. bttcd dials ethereumjs (a static node).
  rlpx = newRlpx(a.genesis);
  const port = await freePort();
  rlpx.listen(port, '127.0.0.1');
  session = ethSession(rlpx, a.genesis, a.genesis);
  const url = `enode://${bytesToHex(rlpx.id).slice(2)}@127.0.0.1:${port}`;
  const b = await withTimeout(startBttcd('b', ['--p2p.static', url]), 10000, 'bttcd b start');
  checkAnswers('bttcd dials ethereumjs', await withTimeout(session, 10000, 'session b'), a.genesis);
  await checkCleanLeave('bttcd dials ethereumjs', b);
  check(/msg="peer connected".*inbound=0 client="ethereumjs-interop"/.test(b.child.log),
    'bttcd dials ethereumjs: bttcd logs the outbound peer');
  rlpx.destroy();

  // 3. Mismatched genesis, both ways: refused on both sides.
  const wrong = keccak256(util.utf8ToBytes('not the genesis'));
  rlpx = newRlpx(a.genesis);
  session = ethSession(rlpx, a.genesis, wrong);
  await rlpx.connect(parseEnode(a.enode));
  await checkRefused('mismatch, ethereumjs dials', await withTimeout(session, 10000, 'mismatch a'), a);
  rlpx.destroy();
  rlpx = newRlpx(a.genesis);
  const port2 = await freePort();
  rlpx.listen(port2, '127.0.0.1');
  session = ethSession(rlpx, a.genesis, wrong);
  const url2 = `enode://${bytesToHex(rlpx.id).slice(2)}@127.0.0.1:${port2}`;
  const c = await withTimeout(startBttcd('c', ['--p2p.static', url2]), 10000, 'bttcd c start');
  await checkRefused('mismatch, bttcd dials', await withTimeout(session, 10000, 'mismatch c'), c);
  rlpx.destroy();
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
