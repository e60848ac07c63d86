// Type-checks Kubernetes manifests (multi-document YAML files, e.g. `kubectl kustomize` output) against the schemas
// that npm's kubernetes-models packages compile from the OpenAPI definitions and CRDs:
//   core kinds     kubernetes-models               (Kubernetes API)
//   ScaledObject   @kubernetes-models/keda          (KEDA's CRDs)
//   Kafka, KafkaNodePool, KafkaTopic               @kubernetes-models/strimzi-kafka-operator (Strimzi's CRDs)
// On top of the schemas (types, required fields, enums, patterns), it reports fields the schema does not know
// (a typo such as `minReplicaCont` passes a plain schema check): the compiled validators read every property their
// schema declares, so a key of an object they looked into but never read is unknown to the schema.
// Usage: node check.mjs FILE…   exit 1 on the first file with a problem, after listing every problem.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const MODULES = {
  "": "kubernetes-models/v1",
  "keda.sh": "@kubernetes-models/keda/keda.sh",
  "kafka.strimzi.io": "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io",
};

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const base = MODULES[group] ? (group ? `${MODULES[group]}/${version}` : MODULES[group])
    : `kubernetes-models/${group}/${version}`;
  try {
    const mod = await import(`${base}/${kind}`);
    return mod[kind];
  } catch (e) {
    return null;
  }
}

// Wraps a plain JSON value so that the keys the validator reads, and the objects whose keys it enumerates, are seen.
function watched(value, seen) {
  if (value === null || typeof value !== "object") return value;
  const record = { read: new Set(), enumerated: false };
  seen.set(value, record);
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === "string") record.read.add(key);
      const v = Reflect.get(target, key, receiver);
      return typeof key === "string" && v !== null && typeof v === "object" ? (seen.proxies.get(v) ?? watch(v)) : v;
    },
    has(target, key) {
      if (typeof key === "string") record.read.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      record.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
  function watch(v) {
    const p = watched(v, seen);
    seen.proxies.set(v, p);
    return p;
  }
}

function unknownFields(value, seen, path, out) {
  if (value === null || typeof value !== "object") return;
  const record = seen.get(value);
  if (!Array.isArray(value) && record && record.read.size > 0 && !record.enumerated) {
    for (const key of Object.keys(value)) {
      if (!record.read.has(key)) out.push(`${path}/${key}: unknown field (not in the schema)`);
    }
  }
  for (const [k, v] of Object.entries(value)) unknownFields(v, seen, `${path}/${k}`, out);
}

let failed = false;
let count = 0;
const kinds = new Map();
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) {
      console.error(`${file}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      failed = true;
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) continue;
    const where = `${file}: ${obj.kind ?? "?"} ${obj.metadata?.name ?? "?"}`;
    const Model = obj.apiVersion && obj.kind ? await modelOf(obj.apiVersion, obj.kind) : null;
    if (!Model) {
      console.error(`${where}: no schema for ${obj.apiVersion} ${obj.kind}`);
      failed = true;
      continue;
    }
    const seen = new Map();
    seen.proxies = new Map();
    const problems = [];
    try {
      Model.prototype.validate.call(watched(obj, seen));
    } catch (e) {
      problems.push(...String(e.message).split(/, (?=data)/));
    }
    unknownFields(obj, seen, "", problems);
    if (problems.length) {
      failed = true;
      for (const p of problems) console.error(`${where}: ${p}`);
    }
    count++;
    kinds.set(`${obj.apiVersion} ${obj.kind}`, (kinds.get(`${obj.apiVersion} ${obj.kind}`) ?? 0) + 1);
  }
}
const summary = [...kinds.entries()].map(([k, n]) => `${n} ${k}`).join(", ");
console.log(`schema-check: ${count} resources checked (${summary})${failed ? ": FAILED" : ": ok"}`);
process.exit(failed ? 1 : 0);
