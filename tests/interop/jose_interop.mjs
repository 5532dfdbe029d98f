// Seal and open concernshare messages with the npm `jose` package, for the interoperability tests.
//
//   node jose_interop.mjs open RECIPIENT_PRIVATE_JWKS SENDER_PUBLIC_JWKS < sealed > message
//   node jose_interop.mjs seal [--jws flattened|general] [--sig-alg NAME] SENDER_PRIVATE_JWKS \
//        RECIPIENT_PUBLIC_JWKS... < message > sealed
//
// A key file is a JWK Set ({"keys": [...]}, as concernshare writes them) or a single JWK.
//
// open: decrypts the JWE (general or flattened JSON) with the recipient's ECDH-ES+A256KW key
// (generalDecrypt or flattenedDecrypt), verifies the JWS inside (generalVerify or flattenedVerify)
// with the sender's signing key chosen by kid, checks the typ and cty of both layers, and writes
// the payload's exact bytes to stdout.
//
// seal: signs stdin's exact bytes with the sender's signing key (a flattened JWS by default, or
// general with --jws general; --sig-alg overrides the header's alg, e.g. EdDSA for an Ed25519 key),
// then encrypts that JWS to every encryption key in the recipient files: FlattenedEncrypt for one
// key (alg, enc, kid, epk all in the protected header), GeneralEncrypt for several (enc, typ, cty
// protected; alg, kid, epk per recipient). Writes the JWE's JSON to stdout.
//
// Exit status: 0 done, 1 refused (the reason on stderr), 2 usage.

import { readFileSync } from "node:fs";
import * as jose from "jose";

const MESSAGE = { typ: "concernshare-message+jws", cty: "concernshare+json" };
const SEALED = { typ: "concernshare-sealed+jwe", cty: "concernshare-message+jws" };
const KEY_ALG = "ECDH-ES+A256KW";
const ENC = "A256GCM";
const SIG_ALGS = ["Ed25519", "EdDSA", "ES256"];

class Usage extends Error {}

function readKeys(path) {
  const document = JSON.parse(readFileSync(path, "utf8"));
  return Array.isArray(document.keys) ? document.keys : [document];
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

function checkKind(header, kind, what) {
  if (header.typ !== kind.typ || header.cty !== kind.cty) {
    throw new Error(`the ${what} is not of the expected type (typ ${header.typ}, cty ${header.cty})`);
  }
}

// The key named by the kid, among keys of the given use, imported for the alg. jose passes the
// protected header and the (flattened) token, whose shared and per-recipient headers hold the rest.
function keyResolver(jwks, use) {
  return async (protectedHeader, token) => {
    const header = { ...token.unprotected, ...token.header, ...protectedHeader };
    const jwk = jwks.find((candidate) => candidate.kid === header.kid && candidate.use === use);
    if (jwk === undefined) throw new Error(`no ${use} key with the kid the document names`);
    return jose.importJWK(jwk, header.alg);
  };
}

async function open(args) {
  if (args.length !== 2) throw new Usage("open takes RECIPIENT_PRIVATE_JWKS SENDER_PUBLIC_JWKS");
  const [recipientFile, senderFile] = args;
  const sealed = JSON.parse(new TextDecoder().decode(await readStdin()));
  const decryptOptions = { keyManagementAlgorithms: [KEY_ALG], contentEncryptionAlgorithms: [ENC] };
  const decryptKey = keyResolver(readKeys(recipientFile), "enc");
  const decrypted = "recipients" in sealed
    ? await jose.generalDecrypt(sealed, decryptKey, decryptOptions)
    : await jose.flattenedDecrypt(sealed, decryptKey, decryptOptions);
  checkKind(decrypted.protectedHeader, SEALED, "sealed document");
  const signed = JSON.parse(new TextDecoder().decode(decrypted.plaintext));
  const verifyKey = keyResolver(readKeys(senderFile), "sig");
  const verified = "signatures" in signed
    ? await jose.generalVerify(signed, verifyKey, { algorithms: SIG_ALGS })
    : await jose.flattenedVerify(signed, verifyKey, { algorithms: SIG_ALGS });
  checkKind(verified.protectedHeader, MESSAGE, "signed message");
  process.stdout.write(verified.payload);
}

function takeOption(args, name, allowed) {
  const index = args.indexOf(name);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (value === undefined || (allowed && !allowed.includes(value))) {
    throw new Usage(`${name} takes one of ${allowed ? allowed.join(", ") : "a value"}`);
  }
  args.splice(index, 2);
  return value;
}

async function seal(args) {
  const form = takeOption(args, "--jws", ["flattened", "general"]) ?? "flattened";
  const sigAlg = takeOption(args, "--sig-alg");
  if (args.length < 2) throw new Usage("seal takes SENDER_PRIVATE_JWKS RECIPIENT_PUBLIC_JWKS...");
  const [senderFile, ...recipientFiles] = args;
  const signing = readKeys(senderFile).filter((jwk) => jwk.use === "sig");
  if (signing.length !== 1) throw new Error("the sender's key file must hold exactly one signing key");
  const [signer] = signing;
  const header = { alg: sigAlg ?? signer.alg, kid: signer.kid, ...MESSAGE };
  // jose refuses to import a JWK whose own alg differs from the one asked for; drop it for --sig-alg.
  const { alg: _ownAlg, ...withoutAlg } = signer;
  const signingKey = await jose.importJWK(sigAlg ? withoutAlg : signer, header.alg);
  const payload = await readStdin();
  const signed = form === "general"
    ? await new jose.GeneralSign(payload).addSignature(signingKey).setProtectedHeader(header).sign()
    : await new jose.FlattenedSign(payload).setProtectedHeader(header).sign(signingKey);
  const plaintext = new TextEncoder().encode(JSON.stringify(signed));

  const recipients = recipientFiles.flatMap(readKeys).filter((jwk) => jwk.use === "enc");
  if (recipients.length === 0) throw new Error("the recipient files hold no encryption key");
  let sealed;
  if (recipients.length === 1) {
    const [jwk] = recipients;
    sealed = await new jose.FlattenedEncrypt(plaintext)
      .setProtectedHeader({ alg: KEY_ALG, enc: ENC, kid: jwk.kid, ...SEALED })
      .encrypt(await jose.importJWK(jwk, KEY_ALG));
  } else {
    const general = new jose.GeneralEncrypt(plaintext).setProtectedHeader({ enc: ENC, ...SEALED });
    for (const jwk of recipients) {
      general.addRecipient(await jose.importJWK(jwk, KEY_ALG)).setUnprotectedHeader({ alg: KEY_ALG, kid: jwk.kid });
    }
    sealed = await general.encrypt();
  }
  process.stdout.write(JSON.stringify(sealed));
}

const [command, ...rest] = process.argv.slice(2);
const commands = { open, seal };
try {
  if (!Object.hasOwn(commands, command ?? "")) throw new Usage("the command is open or seal");
  await commands[command](rest);
} catch (error) {
  process.stderr.write(`jose_interop: ${error.code ?? error.name}: ${error.message}\n`);
  process.exitCode = error instanceof Usage ? 2 : 1;
}
