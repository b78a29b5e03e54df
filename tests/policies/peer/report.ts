/**
 * Prints the pack's recall and false positives on the peer scanners' translated test cases:
 * `npm run -s peer-coverage` (add `--cases` to list every missed case and false positive).
 */
import { figuresTable, measure } from "./measure";

async function main(): Promise<void> {
  const m = await measure();
  console.log(figuresTable(m));
  if (m.uncovered.length) console.log(`\nClaimed without translated cases: ${m.uncovered.join(", ")}`);
  if (m.unclaimed.length) console.log(`Translated but not claimed: ${m.unclaimed.join(", ")}`);
  if (!process.argv.includes("--cases")) return;
  for (const f of m.figures) {
    for (const o of f.missed) console.log(`missed     ${f.check} ${o.peerCase.name}`);
    for (const o of f.falsePositives)
      console.log(`false pos. ${f.check} ${o.peerCase.name}: ${o.messages.join(" | ")}`);
    for (const o of f.intended) console.log(`intended   ${f.check} ${o.peerCase.name}`);
  }
}

process.setSourceMapsEnabled(false);
main().catch((error: unknown) => {
  console.error(error);
  process.exit(3);
});
