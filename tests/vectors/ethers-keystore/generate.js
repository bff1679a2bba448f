// Writes the keystore v3 vectors that host/tests/test_keystore.c decrypts: files made by
// ethers v6 (scrypt with low N for speed, x-ethers extras, a mnemonic account), a pbkdf2 file
// built by hand from ethers' primitives (ethers only decrypts pbkdf2), a MetaMask-style
// variant ("Crypto", 0x-address), and the Web3 Secret Storage definition's two published
// examples plus go-ethereum's short-key files. Every file is checked here by decrypting it
// again with ethers before index.json lists it. Usage: node generate.js OUTDIR
"use strict";
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const ethers = require("ethers");

const out = process.argv[2];
if (!out) {
  console.error("usage: node generate.js OUTDIR");
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const index = [];

function save(file, json, password, priv, opts = {}) {
  const text = typeof json === "string" ? json : JSON.stringify(json, null, 2);
  const address = ethers.computeAddress("0x" + priv.padStart(64, "0"));
  if (!opts.skipEthersCheck) {
    const acct = ethers.decryptKeystoreJsonSync(text, password);
    if (acct.privateKey.toLowerCase() !== "0x" + priv.toLowerCase())
      throw new Error(file + ": ethers decrypts to another key");
  }
  fs.writeFileSync(path.join(out, file), text + "\n");
  index.push({ file, password, priv: priv.toLowerCase(), address: address.toLowerCase(),
               note: opts.note || "" });
}

// Fixed randomness, so re-running gives the same files.
const bytes = (tag, n) => crypto.createHash("sha512").update(tag).digest().subarray(0, n);
const hex = (b) => Buffer.from(b).toString("hex");

// 1. ethers, scrypt N=1024 r=8 p=1, ASCII password.
const k1 = hex(bytes("bttcd keystore vector 1", 32));
save("ethers-scrypt-n1024.json",
  ethers.encryptKeystoreJsonSync(
    { address: ethers.computeAddress("0x" + k1), privateKey: "0x" + k1 },
    "correct horse battery staple",
    { scrypt: { N: 1024, r: 8, p: 1 }, salt: bytes("salt1", 32), iv: bytes("iv1", 16),
      uuid: bytes("uuid1", 16) }),
  "correct horse battery staple", k1, { note: "ethers v6 encryptKeystoreJsonSync" });

// 2. ethers, scrypt N=16 r=4 p=2, non-ASCII password (NFKC-stable, so its UTF-8 bytes are
// what ethers hashes), empty-ish salt length 16.
const k2 = hex(bytes("bttcd keystore vector 2", 32));
save("ethers-scrypt-utf8.json",
  ethers.encryptKeystoreJsonSync(
    { address: ethers.computeAddress("0x" + k2), privateKey: "0x" + k2 },
    "p\u00e4ssw\u00f6rd \u2713",
    { scrypt: { N: 16, r: 4, p: 2 }, salt: bytes("salt2", 16), iv: bytes("iv2", 16),
      uuid: bytes("uuid2", 16) }),
  "p\u00e4ssw\u00f6rd \u2713", k2, { note: "ethers v6, UTF-8 password, r=4 p=2" });

// 3. ethers with a mnemonic account: x-ethers carries the encrypted mnemonic.
const hd = ethers.HDNodeWallet.fromPhrase(
  "test test test test test test test test test test test junk");
save("ethers-mnemonic.json",
  ethers.encryptKeystoreJsonSync(
    { address: hd.address, privateKey: hd.privateKey,
      mnemonic: { path: hd.path, locale: "en", entropy: hd.mnemonic.entropy } },
    "hardhat",
    { scrypt: { N: 256, r: 8, p: 1 }, salt: bytes("salt3", 32), iv: bytes("iv3", 16),
      uuid: bytes("uuid3", 16) }),
  "hardhat", hd.privateKey.slice(2), { note: "ethers v6 with mnemonic (x-ethers)" });

// 4. pbkdf2 by hand (ethers reads it but never writes it): the definition's layout.
function pbkdf2Json(priv, password, c, salt, iv, id) {
  const dk = ethers.getBytes(ethers.pbkdf2(ethers.toUtf8Bytes(password), salt, c, 32, "sha256"));
  const cipher = crypto.createCipheriv("aes-128-ctr", dk.subarray(0, 16), iv);
  const ct = Buffer.concat([cipher.update(Buffer.from(priv, "hex")), cipher.final()]);
  const mac = ethers.keccak256(Buffer.concat([dk.subarray(16, 32), ct])).slice(2);
  return {
    address: ethers.computeAddress("0x" + priv).slice(2).toLowerCase(),
    crypto: { cipher: "aes-128-ctr", ciphertext: hex(ct), cipherparams: { iv: hex(iv) },
              kdf: "pbkdf2", kdfparams: { c, dklen: 32, prf: "hmac-sha256", salt: hex(salt) },
              mac },
    id, version: 3 };
}
const k4 = hex(bytes("bttcd keystore vector 4", 32));
save("pbkdf2-c4096.json",
  pbkdf2Json(k4, "pbkdf2 password", 4096, bytes("salt4", 32), bytes("iv4", 16),
             "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"),
  "pbkdf2 password", k4, { note: "pbkdf2 built with ethers.pbkdf2 + node aes-128-ctr" });

// 5. ethers writes "Crypto"; MetaMask and ethereumjs-wallet write "crypto". A MetaMask-style
// variant of vector 1: lower-case "crypto", a checksummed 0x address, upper-case hex.
const mm = JSON.parse(fs.readFileSync(path.join(out, "ethers-scrypt-n1024.json"), "utf8"));
const mmCrypto = JSON.parse(JSON.stringify(mm.Crypto));
mmCrypto.ciphertext = mmCrypto.ciphertext.toUpperCase();
mmCrypto.mac = mmCrypto.mac.toUpperCase();
const mmJson = { version: 3, id: mm.id, address: ethers.computeAddress("0x" + k1),
                 crypto: mmCrypto };
save("metamask-style.json", mmJson, "correct horse battery staple", k1,
     { note: "lower-case 'crypto', checksummed 0x address, upper-case hex" });

// 6. The Web3 Secret Storage definition's examples (ethereum.org, "Test vectors"; also in
// go-ethereum accounts/keystore/testdata/v3_test_vector.json), password "testpassword".
const specPriv = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
save("spec-pbkdf2.json", {
  crypto: { cipher: "aes-128-ctr", cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
            ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
            kdf: "pbkdf2",
            kdfparams: { c: 262144, dklen: 32, prf: "hmac-sha256",
                         salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd" },
            mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2" },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6", version: 3 },
  "testpassword", specPriv, { note: "Web3 Secret Storage definition, PBKDF2 example" });
save("spec-scrypt.json", {
  crypto: { cipher: "aes-128-ctr", cipherparams: { iv: "83dbcc02d8ccb40e466191a123791e0e" },
            ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
            kdf: "scrypt",
            kdfparams: { dklen: 32, n: 262144, r: 1, p: 8,
                         salt: "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19" },
            mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097" },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6", version: 3 },
  "testpassword", specPriv,
  // r=1 with N=2^18 breaks RFC 7914's N < 2^(128*r/8): noble (ethers) and OpenSSL refuse it,
  // go-ethereum accepts it.
  { skipEthersCheck: true, note: "Web3 Secret Storage definition, scrypt example (N >= 2^(16r))" });

// 7. go-ethereum's files whose plaintext lost leading zero bytes (old writers): geth reads
// them as a number, so they are 32-byte keys with leading zeros. ethers refuses them.
save("geth-31-byte-key.json", {
  crypto: { cipher: "aes-128-ctr", cipherparams: { iv: "e0c41130a323adc1446fc82f724bca2f" },
            ciphertext: "9517cd5bdbe69076f9bf5057248c6c050141e970efa36ce53692d5d59a3984",
            kdf: "scrypt",
            kdfparams: { dklen: 32, n: 2, r: 8, p: 1,
                         salt: "711f816911c92d649fb4c84b047915679933555030b3552c1212609b38208c63" },
            mac: "d5e116151c6aa71470e67a7d42c9620c75c4d23229847dcc127794f0732b0db5" },
  id: "fecfc4ce-e956-48fd-953b-30f8b52ed66c", version: 3 },
  "foo", "00fa7b3db73dc7dfdf8c5fbdb796d741e4488628c41fc4febd9160a866ba0f35",
  { skipEthersCheck: true, note: "go-ethereum testdata, 31-byte plaintext" });
save("geth-30-byte-key.json", {
  crypto: { cipher: "aes-128-ctr", cipherparams: { iv: "3ca92af36ad7c2cd92454c59cea5ef00" },
            ciphertext: "108b7d34f3442fc26ab1ab90ca91476ba6bfa8c00975a49ef9051dc675aa",
            kdf: "scrypt",
            kdfparams: { dklen: 32, n: 2, r: 8, p: 1,
                         salt: "d0769e608fb86cda848065642a9c6fa046845c928175662b8e356c77f914cd3b" },
            mac: "75d0e6759f7b3cefa319c3be41680ab6beea7d8328653474bd06706d4cc67420" },
  id: "a37e1559-5955-450d-8075-7b8931b392b2", version: 3 },
  "foo", "000081c29e8142bb6a81bef5a92bda7a8328a5c85bb2f9542e76f9b0f94fc018",
  { skipEthersCheck: true, note: "go-ethereum testdata, 30-byte plaintext" });

fs.writeFileSync(path.join(out, "index.json"),
  JSON.stringify({ generator: "tests/vectors/ethers-keystore/generate.js",
                   ethers: ethers.version, vectors: index }, null, 2) + "\n");
console.log(`wrote ${index.length} vectors to ${out}`);
