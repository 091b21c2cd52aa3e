// Converts formulas to MathML with KaTeX and Temml, for bench/math_engines.py.
//
//   node bench/math_engines.mjs NODE_MODULES_DIR FORMULAS.json RUNS > RESULTS.json
//
// FORMULAS.json: [[latex, display], ...]. Prints, per engine: its version, the
// median CPU-bound wall time of converting them all (after one warm-up run),
// and for each formula the error message or null, and the MathML's length.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const [modules, file, runsArg] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modules), "index.js"));
const formulas = JSON.parse(readFileSync(file, "utf8"));
const runs = Number(runsArg || 5);

const engines = {
  katex: (() => {
    const katex = require("katex");
    return {
      version: katex.version,
      convert: (tex, display) => katex.renderToString(tex, {
        displayMode: display, output: "mathml", throwOnError: true, strict: "ignore",
        trust: false }),
    };
  })(),
  temml: (() => {
    const temml = require("temml");
    return {
      version: temml.version,
      convert: (tex, display) => temml.renderToString(tex, {
        displayMode: display, throwOnError: true, strict: false, trust: false }),
    };
  })(),
};

function convertAll(convert) {
  const results = [];
  for (const [tex, display] of formulas) {
    try {
      const out = convert(tex, display);
      results.push([null, out]);
    } catch (e) {
      results.push([String(e.message || e), ""]);
    }
  }
  return results;
}

const report = {};
for (const [name, engine] of Object.entries(engines)) {
  const results = convertAll(engine.convert); // warm-up, and the results kept
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    convertAll(engine.convert);
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  report[name] = {
    version: engine.version,
    seconds: times[Math.floor(times.length / 2)],
    errors: results.map(([error]) => error),
    mathml: results.map(([, out]) => out),
  };
}
process.stdout.write(JSON.stringify(report));
