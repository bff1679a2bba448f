// The reference side of bench_evm: runs fixtures/evm-benchmarks/<name>/{code.hex,inputs.txt}
// through @ethereumjs/evm (pinned in package.json / package-lock.json) with the same contract
// address, sender, call data and fork (London) as bench_evm, and prints one JSON line per input:
//   {"name": ..., "label": ..., "ms": <median CPU ms per call>, "gas": <gas used>, "runs": N}
// Usage: node ethjs_bench.mjs DIR [--quick] [--seconds S] [NAME-SUBSTR]
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { createEVM } from '@ethereumjs/evm'
import { Common, Hardfork, Mainnet } from '@ethereumjs/common'
import { createAddressFromString, hexToBytes } from '@ethereumjs/util'

const args = process.argv.slice(2)
const dir = args[0]
let quick = false
let seconds = 1.0
let only = null
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--quick') quick = true
  else if (args[i] === '--seconds') seconds = Number(args[++i])
  else only = args[i]
}

// CPU time of this process (user + system), in ms: the machine is shared, wall time is noisy.
function cpuMs() {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

const common = new Common({ chain: Mainnet, hardfork: Hardfork.London })
const to = createAddressFromString('0xbe7c43a580000000000000000000000000000001')
const caller = createAddressFromString('0xa94f00000000000000000000000000000000000b')
// The older evmone format (<name>.bin-runtime, <name>.inputs) where code.hex is absent: "(NxHH)"
// repeats HH N times, blanks are dropped; inputs come in blocks of label, data, output, blank.
const expand = (h) => h.replace(/\((\d+)x([0-9a-fA-F]*)\)/g, (_, n, hh) => hh.repeat(Number(n))).replace(/\s/g, '')
function load(name) {
  const p = join(dir, name)
  if (existsSync(join(p, 'code.hex'))) {
    const lines = readFileSync(join(p, 'inputs.txt'), 'utf8').split('\n').filter((l) => l)
    return { code: readFileSync(join(p, 'code.hex'), 'utf8').trim(), lines }
  }
  const old = readFileSync(join(p, name + '.inputs'), 'utf8').split('\n')
  const lines = []
  for (let i = 0; i + 1 < old.length; i += 4) if (old[i]) lines.push(old[i] + ' ' + expand(old[i + 1]))
  return { code: expand(readFileSync(join(p, name + '.bin-runtime'), 'utf8')), lines }
}
const names = readdirSync(dir)
  .filter((n) => existsSync(join(dir, n, 'code.hex')) || existsSync(join(dir, n, n + '.bin-runtime')))
  .sort()
for (const name of names) {
  if (only && !name.includes(only)) continue
  const { code: codeHex, lines } = load(name)
  const code = hexToBytes('0x' + codeHex)
  for (const line of lines) {
    const sp = line.indexOf(' ')
    const label = sp < 0 ? line : line.slice(0, sp)
    const data = hexToBytes('0x' + (sp < 0 ? '' : line.slice(sp + 1).trim()))
    // A fresh EVM per input, warmed up by the first call (JIT), as bench_evm reuses its engine.
    const evm = await createEVM({ common })
    await evm.stateManager.putCode(to, code)
    const call = () => evm.runCall({ caller, to, data, gasLimit: 1000000000n })
    let res = await call()
    const times = []
    const start = cpuMs()
    do {
      const t0 = cpuMs()
      res = await call()
      times.push(cpuMs() - t0)
    } while (!quick && (times.length < 3 || cpuMs() - start < seconds * 1000) && times.length < 1000)
    times.sort((a, b) => a - b)
    console.log(JSON.stringify({
      name, label, ms: times[Math.floor(times.length / 2)],
      gas: Number(res.execResult.executionGasUsed), runs: times.length,
      error: res.execResult.exceptionError ? String(res.execResult.exceptionError.error) : null,
    }))
  }
}
