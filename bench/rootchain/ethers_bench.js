'use strict';
// The ethers side of bench_rootchain (ethers pinned in package-lock.json).
//   node ethers_bench.js emit URL N    deploy Conform (sdk/conform/rootchain) and emit N StateSynced
//                                      events; prints {"contract","from","to","n"}
//   node ethers_bench.js read URL CONTRACT FROM TO N
//                                      getLogs over FROM..TO in 5-block windows, decode each event with
//                                      the ABI; prints {"events","wall_s","cpu_s","events_per_s"}
const fs = require('fs');
const path = require('path');
const ethers = require('ethers');

const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'; // anvil dev key 0
const ABI = [
  'event StateSynced(uint256 indexed id, address indexed contractAddress, bytes data)',
  'function sync(uint256 n, bytes data) returns (uint256)',
];

function bytecode() {
  // The suite's committed creation code (a C string split over lines).
  const h = fs.readFileSync(path.join(__dirname, '..', '..', 'sdk', 'conform', 'rootchain', 'conform_contract.h'), 'utf8');
  const body = h.slice(h.indexOf('conform_bytecode_hex[] ='), h.indexOf(';', h.indexOf('conform_bytecode_hex[] =')));
  return '0x' + [...body.matchAll(/"([0-9a-f]*)"/g)].map((m) => m[1]).join('');
}

async function mined(provider, tx) {
  for (;;) {
    const r = await provider.getTransactionReceipt(tx.hash);
    if (r) {
      if (r.status !== 1) throw new Error('reverted ' + tx.hash);
      return r;
    }
    await new Promise((res) => setTimeout(res, 5));
  }
}

async function emit(url, n) {
  const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const w = new ethers.Wallet(KEY, provider);
  const f = new ethers.ContractFactory(ABI, bytecode(), w);
  const c = await f.deploy();
  await mined(provider, c.deploymentTransaction());
  const batch = 4000;
  let from = 0;
  let to = 0;
  for (let done = 0; done < n; done += batch) {
    const k = Math.min(batch, n - done);
    const r = await mined(provider, await c.sync(k, ethers.toUtf8Bytes('conform'), { gasLimit: 29000000n }));
    if (!from) from = r.blockNumber;
    to = r.blockNumber;
  }
  process.stdout.write(JSON.stringify({ contract: c.target, from, to, n }) + '\n');
  provider.destroy();
}

async function read(url, contract, from, to, n) {
  const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const iface = new ethers.Interface(ABI);
  const topic = iface.getEvent('StateSynced').topicHash;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  // The same 5-block windows as the adapter's max_log_range in bench_rootchain.
  const logs = [];
  for (let b = from; b <= to; b += 5)
    logs.push(...(await provider.getLogs({ address: contract, topics: [topic], fromBlock: b, toBlock: Math.min(b + 4, to) })));
  let sum = 0n;
  for (const l of logs) {
    const p = iface.parseLog(l);
    if (ethers.toUtf8String(p.args.data) !== 'conform') throw new Error('bad decode');
    sum += p.args.id;
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cu = process.cpuUsage(c0);
  if (logs.length !== n || sum !== (BigInt(n) * BigInt(n + 1)) / 2n) throw new Error(`got ${logs.length} logs`);
  const cpu = (cu.user + cu.system) / 1e6;
  process.stdout.write(JSON.stringify({ events: logs.length, wall_s: wall, cpu_s: cpu, events_per_s: n / wall }) + '\n');
  provider.destroy();
}

const [cmd, url, ...rest] = process.argv.slice(2);
const run = cmd === 'emit' ? emit(url, Number(rest[0])) : read(url, rest[0], Number(rest[1]), Number(rest[2]), Number(rest[3]));
run.catch((e) => {
  console.error(e);
  process.exit(1);
});
