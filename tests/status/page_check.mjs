// Loads the status page in headless Chromium and checks it live, through the DevTools protocol
// over --remote-debugging-pipe (fd 3: commands to Chromium, fd 4: its answers, each message
// JSON ended by a NUL): no npm package needed, one browser launch. Waits until the page has
// rendered /status.json, then until the head it shows increases (the same page, polling), checks
// the tables and the chart, and writes a screenshot.
// Usage: node page_check.mjs CHROMIUM URL SCREENSHOT.png PROFILE_DIR
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";

const [chromium, url, shot, profile] = process.argv.slice(2);
const fail = (msg) => {
  console.error("check failed: " + msg);
  browser.kill("SIGKILL");
  process.exit(1);
};

const browser = spawn(chromium, [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
  "--no-default-browser-check", "--disable-extensions", "--disable-sync",
  "--disable-background-networking", "--disable-component-update", "--mute-audio",
  "--hide-scrollbars", "--remote-debugging-pipe", `--user-data-dir=${profile}`, "about:blank",
], { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] });
browser.on("exit", (code, sig) => { if (!done) fail(`chromium exited (${code ?? sig})`); });
let done = false;

const toBrowser = browser.stdio[3], fromBrowser = browser.stdio[4];
let nextId = 1, buffered = "";
const waiting = new Map();
fromBrowser.on("data", (chunk) => {
  buffered += chunk.toString("utf8");
  let end;
  while ((end = buffered.indexOf("\0")) >= 0) {
    const msg = JSON.parse(buffered.slice(0, end));
    buffered = buffered.slice(end + 1);
    const w = msg.id !== undefined && waiting.get(msg.id);
    if (!w) continue;
    waiting.delete(msg.id);
    if (msg.error) w.reject(new Error(`${w.method}: ${msg.error.message}`));
    else w.resolve(msg.result);
  }
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  toBrowser.write(JSON.stringify({ id, method, params, sessionId }) + "\0");
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject, method }));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// What the checks look at, read from the live DOM.
const READ = `JSON.stringify((() => {
  const rows = (id) => [...document.querySelectorAll('#' + id + ' tbody tr')]
    .map((tr) => [...tr.cells].map((c) => c.textContent));
  return { updates: +(document.body.dataset.updates || 0), head: document.getElementById('head').textContent,
    validators: rows('validators'), valset: rows('valset'), basechains: rows('basechains'),
    bars: document.querySelectorAll('#chart rect.bar').length };
})())`;

const timer = setTimeout(() => fail("no result in 60 s"), 60000);
try {
  const { targetId } = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  await send("Emulation.setDeviceMetricsOverride",
    { width: 1000, height: 960, deviceScaleFactor: 1, mobile: false }, sessionId);
  await send("Page.navigate", { url }, sessionId);
  const read = async () => {
    const r = await send("Runtime.evaluate", { expression: READ, returnByValue: true }, sessionId);
    try { return JSON.parse(r.result.value); } catch { return { updates: 0 }; }
  };
  let s = { updates: 0 };
  for (let t = 0; t < 150 && !(s.updates >= 1 && /^[0-9]+$/.test(s.head)); t++) {
    await sleep(200);
    s = await read();
  }
  if (!(s.updates >= 1)) fail("the page never rendered /status.json");
  if (!/^[0-9]+$/.test(s.head)) fail("head is not a number: " + s.head);
  const first = s;
  // The same page polls every second: wait for a higher head (a block a second).
  for (let t = 0; t < 75 && !(+s.head > +first.head && s.bars >= 1 && s.validators.length === 2 &&
       s.validators.every((r) => r[1] === "ok")); t++) {
    await sleep(200);
    s = await read();
  }
  console.log(`head ${first.head} then ${s.head} (${s.updates - first.updates} updates)`);
  if (!(+s.head > +first.head)) fail(`the head did not increase (${first.head}, ${s.head})`);
  if (!(s.updates > first.updates)) fail("the page did not update");
  const names = s.validators.map((r) => r[0]).join(",");
  if (names !== "v0,v1") fail("validators listed: " + names);
  for (const r of s.validators) if (r[1] !== "ok") fail(`${r[0]} health: ${r[1]}`);
  if (s.valset.filter((r) => /^0x[0-9a-fA-F]{40}$/.test(r[1])).length !== 2) fail("validator set");
  if (s.valset.filter((r) => r[4] === "\u2713").length !== 1) fail("one proposer marked");
  const eth = s.basechains.find((r) => r[0] === "eth");
  if (!eth || eth[1] !== "ok" || eth[3] !== "none yet") fail("eth basechain row: " + eth);
  if (s.bars < 1) fail("no block-time bars drawn");
  const png = await send("Page.captureScreenshot", { format: "png" }, sessionId);
  writeFileSync(shot, Buffer.from(png.data, "base64"));
  done = true;
  clearTimeout(timer);
  await send("Browser.close").catch(() => {});
  setTimeout(() => browser.kill("SIGKILL"), 2000).unref();
} catch (e) {
  fail(e.message);
}
