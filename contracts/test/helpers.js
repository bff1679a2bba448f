'use strict';
// Shared test scaffolding: a ganache chain on a free loopback port, artifact loading and
// deployment, validator keys, checkpoint signing, and the RLP / trie / Merkle builders the exit
// proof needs (PROTOCOL.md §3.11, §4.6.3, §5.4).
const net = require('net');
const path = require('path');
const ethers = require('ethers');

const SYSTEM = '0xffffFFFfFFffffffffffffffFfFFFfffFFFfFFfE';
/** Funded test accounts (ganache is started with these keys; an external node must fund them). */
const TEST_KEYS = Array.from({ length: 10 }, (_, i) => ethers.id('bttcd contracts test account ' + i));
const BOR_CHAIN_ID = 199n;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts ganache (or, with BTTCD_RPC_URL set, attaches to that node) and returns {provider, accounts, stop}. */
async function startChain() {
  let server = null;
  let url = process.env.BTTCD_RPC_URL;
  if (!url) {
    const ganache = require('ganache');
    const port = await freePort();
    server = ganache.server({
      logging: { quiet: true },
      chain: { chainId: 1337, hardfork: 'london' },
      wallet: {
        accounts: TEST_KEYS.map((secretKey) => ({ secretKey, balance: '0x' + (10n ** 24n).toString(16) })),
        unlockedAccounts: [SYSTEM],
      },
      miner: { instamine: 'eager' },
    });
    await server.listen(port, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
  }
  const provider = new ethers.JsonRpcProvider(url, undefined, {
    staticNetwork: true,
    pollingInterval: 20,
    cacheTimeout: -1,
  });
  await provider.send('evm_setAccountBalance', [SYSTEM, '0x' + (10n ** 24n).toString(16)]).catch(() => {});
  // local keys: raw transactions return at once (a node-side signer makes ethers poll for the tx)
  const accounts = TEST_KEYS.map((k) => new ethers.Wallet(k, provider));
  const system = new ethers.JsonRpcSigner(provider, SYSTEM);
  return {
    provider,
    accounts,
    system,
    async stop() {
      provider.destroy();
      if (server) await server.close();
    },
  };
}

function artifact(name, evm = 'london') {
  return require(path.join(__dirname, '..', 'build', evm, name + '.json'));
}

async function deploy(signer, name, args = [], evm = 'london') {
  const a = artifact(name, evm);
  const f = new ethers.ContractFactory(a.abi, a.bytecode, signer);
  const c = await f.deploy(...args);
  await send(c.deploymentTransaction());
  return c;
}

/** Sends a transaction and waits for its receipt (throws on revert). Polls the receipt itself:
 *  ethers' wait() falls back to multi-second block polling. */
async function send(p) {
  const tx = await p;
  for (let i = 0; ; i++) {
    const r = await tx.provider.getTransactionReceipt(tx.hash);
    if (r) {
      if (r.status !== 1) throw new Error('transaction reverted: ' + tx.hash);
      return r;
    }
    if (i > 3000) throw new Error('no receipt for ' + tx.hash);
    await new Promise((res) => setTimeout(res, 5));
  }
}

/** Deterministic validator signer keys. */
function validatorKey(i) {
  const sk = new ethers.SigningKey(ethers.id('bttcd validator ' + i));
  return { sk, address: ethers.computeAddress(sk.publicKey), pubkey: '0x' + sk.publicKey.slice(4) };
}

/** Checkpoint data of PROTOCOL.md §4.6.3 (224 bytes). */
function checkpointData({ proposer, start, end, root, accountRoot = ethers.ZeroHash, chainId = BOR_CHAIN_ID, epoch }) {
  const c = ethers.AbiCoder.defaultAbiCoder();
  const types = ['address', 'uint256', 'uint256', 'bytes32', 'bytes32', 'uint256'];
  const vals = [proposer, start, end, root, accountRoot, chainId];
  if (epoch !== undefined) {
    types.push('uint256');
    vals.push(epoch);
  }
  return c.encode(types, vals);
}

/** [r, s, v] triples over keccak(0x01 ‖ data), by default sorted by signer address. */
function signAll(data, keys, { sort = true } = {}) {
  const digest = ethers.keccak256(ethers.concat(['0x01', data]));
  let sigs = keys.map((k) => {
    const s = k.sk.sign(digest);
    return { who: BigInt(k.address), triple: [s.r, s.s, s.v] };
  });
  if (sort) sigs.sort((a, b) => (a.who < b.who ? -1 : a.who > b.who ? 1 : 0));
  return sigs.map((s) => s.triple);
}

function sortedKeys(keys) {
  return [...keys].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
}

// ---- RLP / trie / Merkle helpers --------------------------------------------------------------

const u = (n) => ethers.toBeArray(BigInt(n)); // minimal big-endian, 0 → empty

/** Consensus encoding of a receipt as stored in the receipt trie (EIP-2718 type prefix if typed). */
function encodeReceipt(r, rawLogs) {
  const logs = rawLogs.map((l) => [l.address, l.topics, l.data]);
  const body = ethers.encodeRlp([u(r.status), u(r.cumulativeGasUsed), r.logsBloom, logs]);
  return r.type && Number(r.type) !== 0 ? ethers.concat([ethers.toBeHex(r.type), body]) : body;
}

/** Receipt trie of a block holding one transaction: a single leaf at key rlp(0) = 0x80. */
function singleReceiptTrie(receiptBytes) {
  const leaf = ['0x2080', receiptBytes]; // hex-prefix: leaf flag, even length, nibbles 8 0
  const raw = ethers.encodeRlp(leaf);
  return { root: ethers.keccak256(raw), proof: ethers.encodeRlp([leaf]), path: '0x0080' };
}

/** Checkpoint leaf and tree of PROTOCOL.md §3.11. */
function headerLeaf(b) {
  return ethers.keccak256(
    ethers.concat([ethers.toBeHex(b.number, 32), ethers.toBeHex(b.timestamp, 32), b.transactionsRoot, b.receiptsRoot]),
  );
}

function merkleRoot(leaves) {
  let level = [...leaves];
  let n = 1;
  while (n < level.length) n *= 2;
  while (level.length < n) level.push(ethers.ZeroHash);
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(ethers.keccak256(ethers.concat([level[i], level[i + 1]])));
    level = next;
  }
  return level[0];
}

function merkleProof(leaves, index) {
  let level = [...leaves];
  let n = 1;
  while (n < level.length) n *= 2;
  while (level.length < n) level.push(ethers.ZeroHash);
  const sibs = [];
  while (level.length > 1) {
    sibs.push(level[index ^ 1]);
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(ethers.keccak256(ethers.concat([level[i], level[i + 1]])));
    level = next;
    index >>= 1;
  }
  return ethers.concat(sibs.length ? sibs : ['0x']);
}

async function rawBlock(provider, n) {
  const b = await provider.send('eth_getBlockByNumber', [ethers.toQuantity(n), false]);
  return { number: BigInt(b.number), timestamp: BigInt(b.timestamp), transactionsRoot: b.transactionsRoot, receiptsRoot: b.receiptsRoot };
}

module.exports = {
  ethers,
  SYSTEM,
  BOR_CHAIN_ID,
  startChain,
  artifact,
  deploy,
  send,
  validatorKey,
  checkpointData,
  signAll,
  sortedKeys,
  u,
  encodeReceipt,
  singleReceiptTrie,
  headerLeaf,
  merkleRoot,
  merkleProof,
  rawBlock,
};

/** Asserts that `p` rejects with a revert whose reason matches `re` (ganache puts the reason in
 *  the JSON-RPC error message, which ethers v6 does not always decode). */
async function rejects(p, re) {
  const assert = require('node:assert/strict');
  await assert.rejects(p, (e) => {
    const text = [e && e.message, e && e.shortMessage, e && e.reason, JSON.stringify((e && e.info) || {}), JSON.stringify((e && e.error) || {})].join(' ');
    if (!re.test(text)) throw new Error(`expected revert ${re}, got: ${text.slice(0, 400)}`);
    return true;
  });
}
module.exports.rejects = rejects;
