/** The HTML reporter: one self-contained report.html for people (security engineers, auditors). */
import type { Reporter } from './reporter.ts';
import { renderReportPage } from './html/page.ts';

/** Renders report.html; see src/report/html/ for the parts. */
export const htmlReporter: Reporter = {
  format: 'html',
  fileName: 'report.html',
  render: renderReportPage,
};
