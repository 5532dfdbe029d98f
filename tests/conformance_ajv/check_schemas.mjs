// Run the schema part of the conformance suite with Ajv (JSON Schema 2020-12, strict mode, all errors).
//
//   node check_schemas.mjs CONFORMANCE_DIR SCHEMAS_DIR
//
// Prints one JSON object: {"ajv_version", "results": [{"file", "what", "schema", "valid", "errors"}]}, one
// result for each document the suite gives to a schema: the valid and invalid messages (those given as
// JSON, not as bytes), the payloads of the signed directories, and the routing rule sets. It judges
// nothing itself: tests/test_conformance.py compares the verdicts with what the cases expect and with
// Python's jsonschema. Exits 2 if a schema does not compile in strict mode.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import ajvModule from "ajv/dist/2020.js";

const Ajv2020 = ajvModule.default ?? ajvModule;
const require = createRequire(import.meta.url);
const [conformance, schemas] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: true });
const ids = {};
try {
  for (const name of fs.readdirSync(schemas).sort()) {
    if (!name.endsWith(".schema.json")) continue;
    const schema = JSON.parse(fs.readFileSync(path.join(schemas, name), "utf8"));
    ajv.addSchema(schema);
    ids[name.replace(".schema.json", "")] = schema.$id;
  }
  for (const id of Object.values(ids)) ajv.getSchema(id); // compile every schema now, in strict mode
} catch (error) {
  process.stderr.write(`a schema does not compile in Ajv strict mode: ${error.message}\n`);
  process.exit(2);
}

const results = [];
function check(file, what, kind, document) {
  const validate = ajv.getSchema(ids[kind]);
  const valid = validate(document);
  const errors = valid ? [] : validate.errors.map((e) => ({ instancePath: e.instancePath, keyword: e.keyword, params: e.params }));
  results.push({ file, what, schema: kind, valid, errors });
}
function cases(folder) {
  const dir = path.join(conformance, folder);
  return fs.readdirSync(dir).filter((n) => n.endsWith(".json")).sort()
    .map((n) => [`${folder}/${n}`, JSON.parse(fs.readFileSync(path.join(dir, n), "utf8"))]);
}
function base64url(text) {
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
}

for (const [file, c] of cases("messages/valid")) check(file, "document", "message", c.document);
for (const [file, c] of cases("messages/invalid")) if ("document" in c) check(file, "document", "message", c.document);
for (const [file, c] of cases("directories")) {
  let signed;
  try { signed = JSON.parse(c.signed); } catch { continue; }
  if (typeof signed.payload === "string" && "signatures" in signed) {
    check(file, "payload", "directory", JSON.parse(base64url(signed.payload)));
  }
}
for (const [file, c] of cases("routing/rules")) check(file, "rules", "routing", c);
for (const [file, c] of cases("routing/invalid")) check(file, "rules", "routing", c.rules);

const version = require("ajv/package.json").version;
process.stdout.write(JSON.stringify({ ajv_version: version, results }) + "\n");
