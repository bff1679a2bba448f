'use strict';
// The committed artifacts and README table are what a fresh build produces, and the README's
// selector/topic table agrees with PROTOCOL.md (§7.8, the selectors of §5, and every event topic
// PROTOCOL.md names).
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { id } = require('ethers');

const root = path.resolve(__dirname, '..');

function protocolPath() {
  const c = [];
  if (process.env.BT_PROTOCOL_MD) c.push(process.env.BT_PROTOCOL_MD);
  if (process.env.BT_FIXTURES) c.push(path.join(process.env.BT_FIXTURES, '..', 'PROTOCOL.md'));
  c.push(path.join(root, '..', '..', 'shared', 'PROTOCOL.md'), '/work/shared/PROTOCOL.md');
  return c.find((p) => fs.existsSync(p));
}

function section(doc, start, next) {
  const i = doc.indexOf(start);
  assert.ok(i >= 0, 'PROTOCOL.md lacks ' + start);
  const j = next ? doc.indexOf(next, i + start.length) : -1;
  return doc.slice(i, j < 0 ? undefined : j);
}

function readTable() {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const rows = [];
  for (const m of readme.matchAll(/^\| (\w+) \| (function|event) \| `([^`]+)` \| `(0x[0-9a-f]+)` \|$/gm)) {
    rows.push({ contract: m[1], kind: m[2], sig: m[3], name: m[3].split('(')[0], hash: m[4] });
  }
  return rows;
}

/** Canonical signature from a prose one ("Name(address indexed a, uint256 b)"), or null. */
function canonical(name, params) {
  const types = [];
  for (const p of params.split(',').map((s) => s.trim()).filter(Boolean)) {
    const t = p.split(/\s+/)[0];
    if (!/^(address|bool|bytes\d*|u?int\d*|string)(\[\d*\])*$/.test(t)) return null;
    types.push(t);
  }
  return `${name}(${types.join(',')})`;
}

describe('build and selector table', () => {
  it('committed artifacts and README table match a fresh build (--check)', () => {
    const out = execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js'), '--check'], { encoding: 'utf8' });
    assert.match(out, /match a fresh build/);
  });

  it('table rows are keccak of their signatures', () => {
    const rows = readTable();
    assert.ok(rows.length > 100, 'table present');
    for (const r of rows) {
      const h = id(r.sig);
      assert.equal(r.hash, r.kind === 'function' ? h.slice(0, 10) : h, r.sig);
    }
  });

  it('selectors and topics agree with PROTOCOL.md', (t) => {
    const p = protocolPath();
    if (!p) {
      t.skip('PROTOCOL.md not found (set BT_PROTOCOL_MD)');
      return;
    }
    const doc = fs.readFileSync(p, 'utf8');
    const rows = readTable();
    const fn = new Map();
    const ev = new Map();
    for (const r of rows) {
      const m = r.kind === 'function' ? fn : ev;
      if (!m.has(r.name)) m.set(r.name, new Set());
      m.get(r.name).add(r.hash);
    }
    const checked = [];
    // §7.8 list: `name hex8`
    const s78 = section(doc, '### 7.8', '## 8.');
    const sels = [...s78.matchAll(/`([A-Za-z_]\w*) ([0-9a-f]{8})`/g)].map((m) => [m[1], '0x' + m[2]]);
    assert.ok(sels.length >= 13, '§7.8 parsed');
    // §5 tables: `name(args)` `0xhex8`
    const s5 = section(doc, '## 5. Root-chain contracts', '## 6.');
    for (const m of s5.matchAll(/`([A-Za-z_]\w*)\([^`]*\)` `0x([0-9a-f]{8})`/g)) sels.push([m[1], '0x' + m[2]]);
    for (const [name, sel] of sels) {
      assert.ok(fn.has(name), `function ${name} (PROTOCOL.md ${sel}) missing from the table`);
      assert.ok(fn.get(name).has(sel), `function ${name}: PROTOCOL.md says ${sel}, table has ${[...fn.get(name)]}`);
      checked.push(name);
    }
    // named event topics anywhere: `Name(...)` … `0x<64 hex>`
    let topics = 0;
    for (const m of doc.matchAll(/`([A-Z]\w+)(?:\(([^`]*)\))?`[^`]{0,40}?`(0x[0-9a-f]{64})`/g)) {
      const [, name, params, topic] = m;
      if (params !== undefined) {
        const sig = canonical(name, params);
        if (sig) assert.equal(id(sig), topic, `PROTOCOL.md topic of ${sig} is not its keccak`);
      }
      assert.ok(ev.has(name), `event ${name} (PROTOCOL.md ${topic.slice(0, 10)}…) missing from the table`);
      assert.ok(ev.get(name).has(topic), `event ${name}: PROTOCOL.md says ${topic}, table has ${[...ev.get(name)]}`);
      topics++;
    }
    assert.ok(topics >= 12, `named topics parsed (${topics})`);
    // §3.10 synthetic log topics of 0x…1010 (no names given there)
    const s310 = section(doc, '### 3.10', '### 3.11');
    const all = new Set(rows.filter((r) => r.kind === 'event').map((r) => r.hash));
    const syn = [...s310.matchAll(/(?:topics `\[|topic0\s*`)(0x[0-9a-f]{64})/g)].map((m) => m[1]);
    assert.equal(syn.length, 2, '§3.10 topics parsed');
    for (const tpc of syn) assert.ok(all.has(tpc), `synthetic log topic ${tpc} missing from the table`);
    t.diagnostic(`checked ${checked.length} selectors, ${topics} named topics, ${syn.length} synthetic topics`);
  });
});
