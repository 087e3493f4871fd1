// Prints one plain closing line, "jest: N passed, N failed, N skipped", after every run, so
// CI systems that read a runner's last line (and people skimming a long log) get the count.
// A test file that fails to load counts as one failure: it ran no test but must not look green.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped\n`);
  }
}
module.exports = SummaryReporter;
