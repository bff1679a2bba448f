// The README's wallet and dapp-tool pointers for `bttcd devnet`, checked against a running
// devnet: the ethers snippet (between the `devnet-ethers` markers of README.md) is run as
// written, with only `from 'ethers'` pointed at tests/chain-rpc's installed ethers, and must
// move 1.5 ETH from dev key 0 to dev key 1 on Bttc (balances read over JSON-RPC); the hardhat
// config (between the `devnet-hardhat` markers) is evaluated: its network must name the
// devnet's chain id, v0's URL from BTTC_RPC and dev key 0, and a contract compiled with its
// solidity settings (solc-js of tests/chain-rpc) must deploy and run there (Bttc is Berlin: a
// Shanghai PUSH0 would not); the MetaMask line must give the chain id the node reports.
// Usage: node ethers_quickstart.mjs README.md BTTC_RPC_URL   (exit 77: ethers not installed)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [readmePath, rpc] = process.argv.slice(2);
if (!readmePath || !rpc) {
  console.error('usage: ethers_quickstart.mjs README.md BTTC_RPC_URL');
  process.exit(2);
}
const fail = (m) => {
  console.error('FAIL: ' + m);
  process.exit(1);
};

let ethersEntry;
try {
  const req = createRequire(new URL('../chain-rpc/package.json', import.meta.url));
  ethersEntry = pathToFileURL(req.resolve('ethers')).href;
} catch {
  console.log('SKIP: ethers not installed in tests/chain-rpc (scripts/setup runs npm ci there)');
  process.exit(77);
}
const { ethers } = await import(ethersEntry);

const readme = readFileSync(readmePath, 'utf8');
// The fenced block after <!-- NAME --> (a comment the rendered README does not show).
const block = (name) => {
  const m = readme.match(new RegExp('<!-- ' + name + ' -->\\s*```[a-z]*\\n([\\s\\S]*?)```'));
  if (!m) fail('README.md has no ```block after <!-- ' + name + ' -->');
  return m[1];
};

const call = async (method, params = []) => {
  const r = await fetch(rpc, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const j = await r.json();
  if (j.error) fail(method + ': ' + JSON.stringify(j.error));
  return j.result;
};
const balance = async (a) => BigInt(await call('eth_getBalance', [a, 'latest']));

const KEY0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDR0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const ADDR1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const chainId = Number(await call('eth_chainId'));

// MetaMask: the chain id and the dev-key warning as the README says them.
const mm = readme.match(/MetaMask[^\n]*\n?[^\n]*chain ID `(\d+)`/);
if (!mm || Number(mm[1]) !== chainId) fail('README MetaMask chain ID ' + (mm && mm[1]) + ', node ' + chainId);

// ethers: run the snippet as written.
const snippet = block('devnet-ethers');
if (!/from 'ethers'/.test(snippet)) fail("the ethers snippet does not import from 'ethers'");
if (!snippet.includes(KEY0)) fail('the ethers snippet does not use dev key 0');
const dir = mkdtempSync(join(tmpdir(), 'bttcd-quickstart-'));
const b0 = await balance(ADDR0);
const b1 = await balance(ADDR1);
let out;
try {
  const file = join(dir, 'quickstart.mjs');
  writeFileSync(file, snippet.replace(/from 'ethers'/, 'from ' + JSON.stringify(ethersEntry)));
  out = execFileSync(process.execPath, [file], {
    env: { ...process.env, BTTC_RPC: rpc },
    encoding: 'utf8',
    timeout: 180000,
  });
} catch (e) {
  fail('the ethers snippet failed: ' + (e.stderr || e.message));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(out);
const a1 = await balance(ADDR1);
const a0 = await balance(ADDR0);
// 1.5, plus the fee when dev key 1 (validator v1's signer) sealed the block
const got = a1 - b1, want = ethers.parseEther('1.5');
if (got < want || got > want + ethers.parseEther('0.001')) fail('dev key 1 got ' + got + ' wei, not 1.5 ETH');
// at least the value: dev key 0 also signs blocks as validator v0 and may get the fee back
if (b0 - a0 < ethers.parseEther('1.5')) fail('dev key 0 paid ' + (b0 - a0) + ' wei');
if (!/block \d+/.test(out)) fail('the snippet did not print the block');

// hardhat: the config module's network, evaluated with BTTC_RPC set (no hardhat needed).
const cfgSrc = block('devnet-hardhat');
const module = { exports: {} };
new Function('module', 'exports', 'require', 'process', cfgSrc)(
  module,
  module.exports,
  createRequire(import.meta.url),
  { env: { BTTC_RPC: rpc } },
);
const nets = Object.values(module.exports.networks || {});
if (nets.length !== 1) fail('the hardhat config names ' + nets.length + ' networks, not one');
const net = nets[0];
if (net.chainId !== chainId) fail('hardhat chainId ' + net.chainId + ', node ' + chainId);
if (net.url !== rpc) fail('hardhat url ' + net.url + ', not BTTC_RPC');
if (!Array.isArray(net.accounts) || new ethers.Wallet(net.accounts[0]).address !== ADDR0)
  fail('hardhat accounts[0] is not dev key 0');
// What `hardhat run --network` would do with it: compile with the config's settings (solc-js of
// tests/chain-rpc; its version must be the config's), deploy from accounts[0], call.
const sol = module.exports.solidity;
const req = createRequire(new URL('../chain-rpc/package.json', import.meta.url));
const solc = req('solc');
if (!solc.version().startsWith(sol.version + '+'))
  fail('the hardhat config names solc ' + sol.version + ', tests/chain-rpc has ' + solc.version());
const src = 'pragma solidity ^0.8.0; contract Counter { uint256 public n; ' +
  'function inc() external { n += 1; } }';
const compiled = JSON.parse(solc.compile(JSON.stringify({
  language: 'Solidity',
  sources: { 'Counter.sol': { content: src } },
  settings: { ...sol.settings, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
})));
if ((compiled.errors || []).some((e) => e.severity === 'error')) fail('solc: ' + JSON.stringify(compiled.errors));
const art = compiled.contracts['Counter.sol'].Counter;
const p = new ethers.JsonRpcProvider(net.url, net.chainId, { staticNetwork: true, cacheTimeout: -1 });
if (Number((await p.getNetwork()).chainId) !== net.chainId) fail('hardhat network chain id');
p.pollingInterval = 250; // the test's own provider: no need to wait 4 s per receipt
const deployer = new ethers.Wallet(net.accounts[0], p);
const counter = await new ethers.ContractFactory(art.abi, art.evm.bytecode.object, deployer).deploy();
await counter.waitForDeployment();
await (await counter.inc()).wait();
if ((await counter.n()) !== 1n) fail('the deployed contract did not count');
p.destroy();
console.log('README snippets: ethers sent 1.5 ETH on Bttc; hardhat network chainId ' +
  `${net.chainId}: Counter (solc ${sol.version}, ${sol.settings.evmVersion}) deployed at ` +
  `${await counter.getAddress()} and called; MetaMask chain ID ${chainId}: ok`);
