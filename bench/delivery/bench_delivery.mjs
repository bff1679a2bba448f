// Delivery end to end on loopback: four bttcd validators with Delivery and the bridge on against
// anvil as Ethereum (and with --tron the devnet's dev TRON chain), set up as the test
// tests/delivery-bridge/four_validators_bridge.mjs does (tests/delivery-bridge/bridgenet.mjs):
// short dev intervals (Bttc block every second, checkpoint_buffer_time 20 s, checkpoints of 16
// blocks, checkpoint_poll_interval 10 s, anvil block every second, 2 confirmations).
// Prints, per root chain, for each of the first N checkpoints: its Bttc blocks, the time from
// its last Bttc block (the block's timestamp, 1 s resolution) to the ack being in Delivery on
// the first and on every validator; then each validator's CPU% and RSS over an idle window (no
// transactions; Bttc blocks and Delivery heights go on). Figures only, no timing asserts: the
// exit status is 1 only when the set-up fails, 77 when anvil or ethers are missing.
//   node bench_delivery.mjs BTTCD PLUGIN_DIR ANVIL CONTRACTS_DIR [--tron] [--quick]
//        [--checkpoints N] [--idle SECONDS] [--wait SECONDS]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const { ackCount, bridgeNet, haveTools, rest, rpc, sleep } =
  await import(join(here, '..', '..', 'tests', 'delivery-bridge', 'bridgenet.mjs'));

const argv = process.argv.slice(2);
const [bttcd, pluginDir, anvilBin, contractsDir] = argv;
const flag = (f) => argv.includes(f);
const num = (f, d) => (argv.includes(f) ? Number(argv[argv.indexOf(f) + 1]) : d);
const quick = flag('--quick');
const tron = flag('--tron');
const nCkpt = num('--checkpoints', quick ? 1 : 3);
const idleS = num('--idle', quick ? 3 : 30);
const waitS = num('--wait', quick ? 150 : 300);
if (!bttcd || !contractsDir) {
  console.error('usage: bench_delivery.mjs BTTCD PLUGIN_DIR ANVIL CONTRACTS_DIR [--tron] [--quick] '
    + '[--checkpoints N] [--idle S] [--wait S]');
  process.exit(2);
}
if (!haveTools(anvilBin, contractsDir)) {
  console.log('SKIP: anvil or contracts/node_modules missing (scripts/setup runs npm ci)');
  process.exit(77);
}
const t0 = Date.now();
const el = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const CLK_TCK = 100; // Linux USER_HZ: /proc/PID/stat counts CPU time in 1/100 s

/** utime+stime in seconds and VmRSS/VmHWM in KiB of a live process. */
function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 on
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { cpu: (Number(f[11]) + Number(f[12])) / CLK_TCK, rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

async function blockTime(n, number) {
  const b = await rpc(n, 'eth_getBlockByNumber', [`0x${number.toString(16)}`, false]);
  return b ? Number(b.timestamp) * 1000 : NaN;
}

let net = null;
let bad = 0;
try {
  net = await bridgeNet({ bttcd, pluginDir, anvilBin, contractsDir, tron, http: true,
    log: (l) => console.log(`# ${l} (${el()})`) });
  const { nodes } = net;
  const roots = tron ? ['eth', 'tron'] : ['eth'];
  // per root: checkpoint number -> { first, all } wall times of the ack showing up
  const seen = Object.fromEntries(roots.map((r) => [r, new Map()]));
  const done = () => roots.every((r) => [...seen[r].values()].filter((s) => s.all).length >= nCkpt);
  const deadline = Date.now() + waitS * 1000;
  while (!done() && Date.now() < deadline) {
    const now = Date.now();
    for (const r of roots) {
      const counts = await Promise.all(nodes.map((n) => ackCount(n, r)));
      const hi = Math.max(...counts), lo = Math.min(...counts);
      for (let k = 1; k <= Math.min(hi, nCkpt); k++) {
        const s = seen[r].get(k) ?? { first: now, all: 0 };
        if (!s.all && lo >= k) s.all = now;
        seen[r].set(k, s);
      }
    }
    await sleep(250);
  }
  console.log(`delivery end to end: 4 validators, Bttc period 1 s, checkpoint buffer 20 s, `
    + `checkpoint poll 10 s, anvil block 1 s, 2 confirmations (${el()} since start)`);
  for (const r of roots) {
    for (let k = 1; k <= nCkpt; k++) {
      const s = seen[r].get(k);
      if (!s?.all) {
        console.log(`${r} checkpoint ${k}: acked on every validator: not within ${waitS} s`
          + `${s ? ` (on one after ${((s.first - t0) / 1000).toFixed(1)} s)` : ''}`);
        continue;
      }
      const c = (await rest(nodes[0], `/checkpoints/${r}/${k}`)).body?.result ?? {};
      const end = Number(c.end_block);
      const ts = await blockTime(nodes[0], end);
      console.log(`${r} checkpoint ${k}: Bttc blocks ${c.start_block}-${end}, block ${end} -> acked `
        + `on first validator ${((s.first - ts) / 1000).toFixed(1)} s, on all four `
        + `${((s.all - ts) / 1000).toFixed(1)} s (block time resolution 1 s, poll 0.25 s)`);
    }
  }

  // what the bridge said last about checkpoints, when one did not come (a hint, not a figure)
  if (roots.some((r) => [...seen[r].values()].filter((s) => s.all).length < nCkpt))
    for (const n of nodes) {
      const lines = n.log.split('\n').filter((l) => /bridge (checkpoint|proposer)|checkpoint.*(fail|error|skip)/i.test(l));
      console.log(`# ${n.name}, last checkpoint lines:\n#   ${lines.slice(-3).join('\n#   ') || '(none)'}`);
    }

  // idle: no transactions; CPU over the window, RSS at its end
  const before = nodes.map((n) => procStat(n.child.pid));
  const w0 = Date.now();
  await sleep(idleS * 1000);
  const wall = (Date.now() - w0) / 1000;
  const head = Number(await rpc(nodes[0], 'eth_blockNumber'));
  let rssSum = 0;
  for (const [i, n] of nodes.entries()) {
    const a = procStat(n.child.pid);
    rssSum += a.rss;
    console.log(`idle ${n.name}: CPU ${(100 * (a.cpu - before[i].cpu) / wall).toFixed(1)}% over `
      + `${wall.toFixed(0)} s, RSS ${(a.rss / 1024).toFixed(1)} MB (peak ${(a.hwm / 1024).toFixed(1)} MB;`
      + ` target <= 50 MB)`);
  }
  console.log(`idle: mean RSS ${(rssSum / nodes.length / 1024).toFixed(1)} MB per validator, `
    + `Bttc head ${head}`);
  if (nodes.some((n) => /AddressSanitizer|runtime error:|LeakSanitizer/.test(n.log))) {
    console.log('sanitizer report in a validator log');
    bad = 1;
  }
} catch (e) {
  console.log(`bench failed: ${e.stack ?? e}`);
  bad = 1;
}
await net?.stop();
process.exit(bad);
