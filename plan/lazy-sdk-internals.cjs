// Loading `@pulumi/pulumi` loads two large modules that only its closure serialization (a function turned
// into code for a `pulumi.runtime.serializeFunction` / callback function resource) ever calls: the
// TypeScript compiler (`typescript-shim.js`: `module.exports = require("typescript")`, used by
// runtime/closure/parseFunction.js) and npm's `@npmcli/arborist` (runtime/closure/codePaths.js, to list a
// closure's packages). Together about 0.9 s of an offline plan's ~3 s (measured with --cpu-prof on
// `node plan/launch.cjs plan/cli.ts --stack prod`, before this hook). Neither the program, the plan nor the
// tests serialize a closure, so both are required lazily: the SDK gets a stand-in that loads the real module
// on first use and then behaves as it.
"use strict";
const Module = require("node:module");

const LAZY = new Set(["typescript", "@npmcli/arborist"]);
const SDK = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/;
const MARK = Symbol.for("module6.lazySdkInternals");

if (!Module[MARK]) {
  Module[MARK] = true;
  const load = Module._load;
  Module._load = function lazyLoad(request, parent, isMain) {
    if (!LAZY.has(request) || !parent || !SDK.test(parent.filename ?? "")) return load.apply(this, arguments);
    let real;
    const get = () => (real ??= load.call(this, request, parent, isMain));
    return new Proxy(
      {},
      {
        // codePaths.js takes arborist through TypeScript's `__importStar`, which copies every key of a
        // module that is not marked `__esModule`: so marked, it keeps the stand-in, and `arborist.Arborist`
        // loads the real module when closure serialization first asks for it.
        get: (_, key) => (key === "__esModule" && real === undefined ? true : Reflect.get(get(), key)),
        has: (_, key) => key in get(),
        ownKeys: () => Reflect.ownKeys(get()),
        getOwnPropertyDescriptor: (_, key) => {
          const descriptor = Reflect.getOwnPropertyDescriptor(get(), key);
          // A proxy may not report a property its (empty) target lacks as non-configurable.
          return descriptor && { ...descriptor, configurable: true };
        },
      },
    );
  };
}
