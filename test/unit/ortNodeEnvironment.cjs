// onnxruntime-node creates output typed arrays in Node's main realm, but jest runs tests in a vm sandbox with its own
// Float32Array, so onnxruntime-common's realm-sensitive checks reject them. Share the main realm's constructors.
const { TestEnvironment } = require("jest-environment-node");

const Shared = [
    "Float32Array",
    "Float64Array",
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "BigInt64Array",
    "BigUint64Array",
    "ArrayBuffer",
];

module.exports = class OrtNodeEnvironment extends TestEnvironment {
    constructor(config, context) {
        super(config, context);
        for (const name of Shared) {
            this.global[name] = globalThis[name];
        }
    }
};
