/**
 * Strings of any code points (lone surrogates included), for property tests of names and labels: what
 * `fc.string({ unit: "binary" })` generates, without its setup cost. That arbitrary biases towards known
 * dangerous strings (`__proto__`, …) by mapping them back through its character arbitrary, which first builds
 * a map of all 1,114,112 code points: about 1.4 s of CPU for every `fc.string({ unit: "binary" })` call
 * (fast-check 4.10, `createSlicesForString`), and each test file paid it.
 */
import fc from "fast-check";

export function anyCodePoints(maxLength: number): fc.Arbitrary<string> {
  return fc
    .array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength })
    .map((points) => String.fromCodePoint(...points));
}
