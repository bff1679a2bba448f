// tronweb, unchanged, against `bttcd run --dev --tron-api.port 0` (ROOTCHAINS.md §4): blocks,
// balances, a contract from the dev genesis allocation read and written through tronweb
// (.call(), .send(), sendRawTransaction, getTransactionInfo), /jsonrpc eth_getLogs, a TRX
// transfer, the refusals java-tron gives (wrong key, stale TaPoS, expired, replay), and a
// restart that keeps the TRON transactions.
// Usage: BTTCD=/path/to/bttcd node --test tronweb.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { TronWeb } = require('tronweb');

// anvil/hardhat dev accounts 0 and 1 (bttcd --dev funds them).
const KEY0 = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const KEY1 = '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const SET_TOPIC = TronWeb.sha3('Set(uint256)', false);
const CONTRACT = '0x00000000000000000000000000000000000c0de0';

// A hand-assembled contract: get() returns slot 0; set(uint256) stores it and emits
// Set(uint256) with the value as data; any other selector reverts.
function contractCode() {
  const runtime =
    '600035' + '60e01c' + // selector
    '80' + '636d4ce63c' + '14' + '601e' + '57' + // get() -> 0x1e
    '80' + '6360fe47b1' + '14' + '602a' + '57' + // set(uint256) -> 0x2a
    '6000' + '80' + 'fd' + // revert
    '5b' + '600054' + '600052' + '60206000f3' + // get: return sload(0)
    '5b' + '600435' + '80' + '600055' + '600052' + '7f' + SET_TOPIC + '60206000' + 'a1' + '00';
  assert.equal(runtime.length / 2, 92);
  return '0x' + runtime;
}

// The dev chain with the contract in its genesis allocation: this branch's Ethereum JSON-RPC
// has no eth_sendRawTransaction yet, and the dev TRON API does not serve deploycontract.
function genesis() {
  const fund = { balance: '0x21e19e0c9bab2400000' }; // 10,000 x 10^18 wei = 10,000 TRX
  return {
    config: { chainId: 1337, homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0,
      byzantiumBlock: 0, constantinopleBlock: 0, petersburgBlock: 0, istanbulBlock: 0,
      berlinBlock: 0, londonBlock: 0 },
    gasLimit: '0x1c9c380', difficulty: '0x1', baseFeePerGas: '0x3b9aca00', timestamp: '0x1',
    alloc: {
      '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266': fund,
      '0x70997970C51812dc3A010C7d01b50e0d17dc79C8': fund,
      [CONTRACT]: { balance: '0x0', code: contractCode() },
    },
  };
}
const ABI = [
  { type: 'function', name: 'get', inputs: [], outputs: [{ name: '', type: 'uint256' }],
    stateMutability: 'view' },
  { type: 'function', name: 'set', inputs: [{ name: 'v', type: 'uint256' }], outputs: [],
    stateMutability: 'nonpayable' },
];

let node, dir, tronPort, tronWeb, contractHex, stderr = '';

// Start bttcd on the test's datadir (again, for the restart test) and point tronweb at it.
async function startNode() {
  stderr = '';
  node = spawn(process.env.BTTCD, ['run', '--dev', '--genesis', path.join(dir, 'genesis.json'),
    '--datadir', path.join(dir, 'd'), '--ipcdisable', '--tron-api.port', '0'],
  { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  node.stderr.on('data', (d) => { stderr += d.toString(); });
  tronPort = +(await waitFor(/msg="tron api" addr=127\.0\.0\.1:(\d+)/))[1];
  await waitFor(/bttcd ready/);
  tronWeb = new TronWeb({ fullHost: `http://127.0.0.1:${tronPort}`, privateKey: KEY0 });
}

async function stopNode() {
  node.kill('SIGINT');
  const code = await new Promise((r) => node.on('exit', (c) => r(c)));
  assert.equal(code, 0, 'bttcd exit status ' + code + '\n' + stderr.split('\n').slice(-30).join('\n'));
}

function waitFor(re, ms = 60000) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      const m = stderr.match(re);
      if (m) return resolve(m);
      if (node.exitCode !== null) return reject(new Error('bttcd exited:\n' + stderr));
      if (Date.now() - t0 > ms) return reject(new Error('timed out waiting for ' + re + '\n' + stderr));
      setTimeout(tick, 100);
    };
    tick();
  });
}

async function tronPost(p, body) {
  const r = await fetch(`http://127.0.0.1:${tronPort}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(r.status, 200);
  return r.json();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitInfo(txid) {
  for (let i = 0; i < 100; i++) {
    const info = await tronWeb.trx.getTransactionInfo(txid);
    if (info && info.blockNumber) return info;
    await sleep(100);
  }
  throw new Error('transaction ' + txid + ' not mined');
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bttcd-tronapi-'));
  fs.writeFileSync(path.join(dir, 'genesis.json'), JSON.stringify(genesis()));
  await startNode();
  contractHex = '41' + CONTRACT.slice(2);
});

after(async () => {
  let code = node ? node.exitCode : 0;
  if (node && code === null) {
    node.kill('SIGINT');
    code = await new Promise((r) => node.on('exit', (c) => r(c)));
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  // a clean shutdown (also no leak report under the sanitizer build)
  assert.equal(code, 0, 'bttcd exit status ' + code + '\n' + stderr.split('\n').slice(-30).join('\n'));
});

test('getCurrentBlock: a TRON block over the dev chain', async () => {
  const b = await tronWeb.trx.getCurrentBlock();
  assert.match(b.blockID, /^[0-9a-f]{64}$/);
  const n = b.block_header.raw_data.number ?? 0; // java-tron omits a zero number
  assert.equal(b.blockID.slice(0, 16), n.toString(16).padStart(16, '0'));
  assert.ok(b.block_header.raw_data.timestamp > 0);
  const same = await tronWeb.trx.getBlockByNumber(n);
  assert.equal(same.blockID, b.blockID);
  const byHash = await tronWeb.trx.getBlockByHash(b.blockID);
  assert.equal(byHash.blockID, b.blockID);
  const solid = await tronWeb.trx.getConfirmedCurrentBlock();
  assert.equal(solid.blockID, b.blockID); // solid_lag 0 on the dev chain
});

test('getBalance: sun = wei / 10^12', async () => {
  const addr1 = TronWeb.address.fromPrivateKey(KEY1);
  assert.equal(await tronWeb.trx.getBalance(addr1), 10000 * 1e6);
  assert.equal(await tronWeb.trx.getBalance('TQLCsShbQNXMTVCjprY64qZmEA4rBarpQp'), 0); // never funded
});

test('contract().at(): call() and send() with getTransactionInfo', async () => {
  const c = await tronWeb.contract().at(contractHex);
  c.loadAbi(ABI); // deployed through the Ethereum JSON-RPC: no ABI on chain
  assert.equal((await c.get().call()).toString(), '0');
  const txid = await c.set(7).send({ feeLimit: 100000000 });
  assert.match(txid, /^[0-9a-f]{64}$/);
  const info = await waitInfo(txid);
  assert.equal(info.id, txid);
  assert.deepEqual(info.contractResult, ['']);
  assert.equal(info.contract_address, contractHex);
  assert.equal(info.receipt.result, 'SUCCESS');
  assert.ok(info.receipt.energy_usage_total > 21000);
  assert.equal(info.log.length, 1);
  assert.equal(info.log[0].address, contractHex.slice(2));
  assert.deepEqual(info.log[0].topics, [SET_TOPIC]);
  assert.equal(info.log[0].data, '7'.padStart(64, '0'));
  assert.equal((await c.get().call()).toString(), '7');
  const tx = await tronWeb.trx.getTransaction(txid);
  assert.equal(tx.txID, txid);
  assert.equal(tx.ret[0].contractRet, 'SUCCESS');
  // the block holds it in TRON form
  const blk = await tronWeb.trx.getBlockByNumber(info.blockNumber);
  assert.ok(blk.transactions.some((t) => t.txID === txid));
  // /jsonrpc eth_getLogs with 20-byte addresses, transactionHash = 0x + txID
  const r = await tronPost('/jsonrpc', { jsonrpc: '2.0', id: '1', method: 'eth_getLogs',
    params: [{ address: [contractHex.slice(2)], fromBlock: '0x' + info.blockNumber.toString(16),
      toBlock: '0x' + info.blockNumber.toString(16) }] });
  assert.equal(r.result.length, 1);
  assert.equal(r.result[0].transactionHash, '0x' + txid);
  const bad = await tronPost('/jsonrpc', { jsonrpc: '2.0', id: 2, method: 'eth_getLogs',
    params: [{ address: contractHex, fromBlock: '0x0', toBlock: 'latest' }] });
  assert.equal(bad.error.message, 'invalid address');
});

async function unsignedSet(value) {
  const owner = tronWeb.defaultAddress.hex;
  const { result, transaction } = await tronWeb.transactionBuilder.triggerSmartContract(
    contractHex, 'set(uint256)', { feeLimit: 100000000 }, [{ type: 'uint256', value }], owner);
  assert.equal(result.result, true);
  return transaction;
}

// Re-encode raw_data after editing it (tronweb's own protobuf encoder).
function rehash(tx) {
  const u = tronWeb.utils.transaction;
  const pb = u.txJsonToPb(tx);
  tx.raw_data_hex = u.txPbToRawDataHex(pb).toLowerCase();
  tx.txID = u.txPbToTxID(pb).replace(/^0x/, '');
  return tx;
}

const text = (hex) => Buffer.from(hex, 'hex').toString('utf8');

let accepted; // a transaction accepted before the restart test

test('sendRawTransaction accepts a signed transaction, refuses its replay', async () => {
  const signed = await tronWeb.trx.sign(await unsignedSet(9), KEY0);
  const r = await tronWeb.trx.sendRawTransaction(signed);
  assert.equal(r.result, true);
  assert.equal(r.code, undefined);
  const info = await waitInfo(signed.txID);
  assert.equal(info.receipt.result, 'SUCCESS');
  accepted = { signed, info };
  const replay = await tronPost('/wallet/broadcasttransaction', signed);
  assert.equal(replay.code, 'DUP_TRANSACTION_ERROR');
  assert.equal(replay.result, undefined);
  assert.equal(text(replay.message), 'Dup transaction.');
});

test('a wrong key is refused with SIGERROR and changes nothing', async () => {
  const tx = await unsignedSet(1234);
  const signed = await tronWeb.trx.sign(tx, KEY1, true, true); // multisig: skip the client check
  const r = await tronWeb.trx.sendRawTransaction(signed);
  assert.equal(r.code, 'SIGERROR');
  assert.match(text(r.message), /^Validate signature error: /);
  assert.deepEqual(await tronWeb.trx.getTransactionInfo(signed.txID), {});
});

test('a stale TaPoS reference is refused with TAPOS_ERROR', async () => {
  const tx = await unsignedSet(5);
  tx.raw_data.ref_block_hash = '0123456789abcdef';
  const signed = await tronWeb.trx.sign(rehash(tx), KEY0);
  const r = await tronWeb.trx.sendRawTransaction(signed);
  assert.equal(r.code, 'TAPOS_ERROR');
  assert.equal(text(r.message), 'Tapos check error.');
});

test('an expired transaction is refused with TRANSACTION_EXPIRATION_ERROR', async () => {
  const tx = await unsignedSet(6);
  const head = await tronWeb.trx.getCurrentBlock();
  tx.raw_data.expiration = head.block_header.raw_data.timestamp; // not after the head
  const signed = await tronWeb.trx.sign(rehash(tx), KEY0);
  const r = await tronWeb.trx.sendRawTransaction(signed);
  assert.equal(r.code, 'TRANSACTION_EXPIRATION_ERROR');
  assert.equal(text(r.message), 'Transaction expired');
  // too far in the future (> head + 24 h) as well
  tx.raw_data.expiration = head.block_header.raw_data.timestamp + 25 * 3600 * 1000;
  const far = await tronWeb.trx.sign(rehash(tx), KEY0);
  assert.equal((await tronWeb.trx.sendRawTransaction(far)).code, 'TRANSACTION_EXPIRATION_ERROR');
});

test('broadcasthex: the adapter path, full Return object', async () => {
  const signed = await tronWeb.trx.sign(await unsignedSet(11), KEY0);
  // Transaction{raw_data=1, signature=2}: build with tronweb's encoder
  const u = tronWeb.utils.transaction;
  const pb = u.txJsonToPb(signed);
  pb.addSignature(Buffer.from(signed.signature[0], 'hex'));
  const wire = Buffer.from(pb.serializeBinary()).toString('hex');
  const r = await tronPost('/wallet/broadcasthex', { transaction: wire });
  assert.equal(r.result, true);
  assert.equal(r.code, 'SUCCESS');
  assert.equal(r.txid, signed.txID);
  assert.equal(JSON.parse(r.transaction).txID, signed.txID);
  await waitInfo(signed.txID);
  const again = await tronPost('/wallet/broadcasthex', { transaction: wire });
  assert.equal(again.result, false);
  assert.equal(again.code, 'DUP_TRANSACTION_ERROR');
  assert.equal(again.message, 'Dup transaction.');
});

test('triggerconstantcontract: revert and unknown contract', async () => {
  const owner = tronWeb.defaultAddress.hex;
  const rev = await tronPost('/wallet/triggerconstantcontract', { owner_address: owner,
    contract_address: contractHex, function_selector: 'nope()', parameter: '' });
  assert.equal(rev.result.result, true);
  assert.equal(text(rev.result.message), 'REVERT opcode executed');
  assert.equal(rev.transaction.ret[0].ret, 'FAILED');
  const none = await tronPost('/wallet/triggerconstantcontract', { owner_address: owner,
    contract_address: '41' + '11'.repeat(20), function_selector: 'get()' });
  assert.equal(none.result.code, 'CONTRACT_VALIDATE_ERROR');
  const noOwner = await tronPost('/wallet/triggerconstantcontract', { contract_address: contractHex,
    function_selector: 'get()' });
  assert.equal(text(noOwner.result.message), "owner_address isn't set.");
});

test('trx.sendTransaction: a TRX transfer (TransferContract) moves sun', async () => {
  const to = TronWeb.address.fromHex('41' + '3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'.toLowerCase());
  const before = await tronWeb.trx.getUnconfirmedBalance(to);
  const r = await tronWeb.trx.sendTransaction(to, 2500000);
  assert.equal(r.result, true);
  await waitInfo(r.transaction.txID);
  assert.equal(await tronWeb.trx.getBalance(to), before + 2500000);
});

// contract().new(): tronweb builds the CreateSmartContract itself (no wallet/deploycontract in
// tronweb 6), computes the java-tron address keccak256(txID ‖ owner)[12:] and talks to the
// contract there; the dev chain runs the creation as an EVM creation and shows the contract
// under that address (host/tronapi/tronapi_alias.c).
let created;
test('contract().new(): CreateSmartContract at the java-tron address, ABI kept', async () => {
  const init = '605c80600b6000396000f3' + contractCode().slice(2); // CODECOPY the runtime, RETURN it
  const c = await tronWeb.contract().new({ abi: ABI, bytecode: init, feeLimit: 1000000000, name: 'Cell' });
  assert.match(c.address, /^41[0-9a-f]{40}$/);
  const blk = await tronWeb.trx.getCurrentBlock();
  const tx = blk.transactions.find((t) => t.raw_data.contract[0].type === 'CreateSmartContract');
  assert.ok(tx, 'the creation is in the head block');
  const info = await waitInfo(tx.txID);
  assert.equal(info.contract_address, c.address);
  assert.equal(info.receipt.result, 'SUCCESS');
  // the address rule, recomputed here: keccak256(txID ‖ owner)[12:]
  const owner = tronWeb.defaultAddress.hex;
  assert.equal('41' + tronWeb.utils.ethersUtils.keccak256('0x' + tx.txID + owner).slice(26), c.address);
  // getcontract serves the contract with the ABI and name it carried (contract().at())
  const at = await tronWeb.contract().at(c.address);
  assert.equal(at.address, c.address);
  assert.equal(typeof at.methods.set, 'function');
  const gc = await tronPost('/wallet/getcontract', { value: c.address });
  assert.equal(gc.name, 'Cell');
  assert.deepEqual(gc.abi.entrys.map((e) => [e.name, e.type, e.stateMutability]),
    [['get', 'Function', 'View'], ['set', 'Function', 'Nonpayable']]);
  assert.equal(BigInt(await at.get().call()), 0n);
  const txid = await at.set(41).send({ feeLimit: 100000000 });
  const si = await waitInfo(txid);
  assert.equal(si.log[0].address, c.address.slice(2)); // logs name the java-tron address
  assert.equal(BigInt(await at.get().call()), 41n);
  created = c.address;
});

test('a restart keeps the TRON transactions: info, block listing, replay refused', async () => {
  await stopNode();
  await startNode();
  const info = await tronWeb.trx.getTransactionInfo(accepted.signed.txID);
  assert.deepEqual(info, accepted.info);
  const blk = await tronWeb.trx.getBlockByNumber(info.blockNumber);
  assert.ok(blk.transactions.some((t) => t.txID === accepted.signed.txID));
  const replay = await tronPost('/wallet/broadcasttransaction', accepted.signed);
  assert.equal(replay.code, 'DUP_TRANSACTION_ERROR');
  // the contract made by contract().new() is still at its java-tron address
  const c = await tronWeb.contract().at(created);
  assert.equal(BigInt(await c.get().call()), 41n);
});
