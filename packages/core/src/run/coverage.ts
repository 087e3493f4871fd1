import { XMLParser } from 'fast-xml-parser';

export type CoverageFormat = 'coverage.py' | 'istanbul' | 'cobertura';

/** Line coverage in percent (two decimals) from a coverage report; null when the report has no total. */
export function parseCoverage(text: string, format: CoverageFormat): number | null {
  const round = (n: number) => Math.round(n * 100) / 100;
  switch (format) {
    case 'coverage.py': {
      const pct = JSON.parse(text)?.totals?.percent_covered;
      return typeof pct === 'number' ? round(pct) : null;
    }
    case 'istanbul': {
      const pct = JSON.parse(text)?.total?.lines?.pct;
      return typeof pct === 'number' ? round(pct) : null;
    }
    case 'cobertura': {
      const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(text);
      const rate = Number(doc?.coverage?.['@_line-rate']);
      return Number.isFinite(rate) ? round(rate * 100) : null;
    }
  }
}

/** The format of a coverage file from its name: `coverage.json` (coverage.py), `coverage-summary.json` (istanbul), `*.xml` (Cobertura). */
export function coverageFormatOf(file: string): CoverageFormat {
  if (/coverage-summary\.json$/.test(file)) return 'istanbul';
  if (/\.xml$/i.test(file)) return 'cobertura';
  return 'coverage.py';
}
