/** Inline SVG charts for the HTML report: no library, no network, readable by screen readers. */
import { html, joinHtml, type TrustedHtml } from './escape.ts';

export interface Bar {
  label: string;
  value: number;
  /** a CSS class giving the bar its colour (colour is never the only carrier of meaning: labels are text) */
  tone: string;
}

/** Horizontal bar chart, one labelled bar per entry. */
export function horizontalBars(id: string, title: string, bars: Bar[]): TrustedHtml {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowHeight = 28;
  const labelWidth = 92;
  const width = 420;
  const barSpace = width - labelWidth - 56;
  const height = bars.length * rowHeight + 8;
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowHeight;
    const w = b.value === 0 ? 0 : Math.max(3, Math.round((b.value / max) * barSpace));
    return html`<g><text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end" class="chart-label">${b.label}</text>
<rect x="${labelWidth}" y="${y + 4}" width="${w}" height="${rowHeight - 10}" rx="3" class="${b.tone}"></rect>
<text x="${labelWidth + w + 6}" y="${y + 17}" class="chart-value">${b.value.toLocaleString('en-US')}</text></g>`;
  });
  const summary = bars.map((b) => `${b.label}: ${b.value}`).join(', ');
  return html`<svg class="chart" id="${id}" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-t ${id}-d" preserveAspectRatio="xMinYMin meet">
<title id="${id}-t">${title}</title><desc id="${id}-d">${summary}</desc>${joinHtml(rows)}</svg>`;
}

/** Vertical histogram along a time axis (e.g. certificates expiring per month). */
export function columnChart(id: string, title: string, bars: Bar[]): TrustedHtml {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const colWidth = 52;
  const plotHeight = 120;
  const top = 18;
  const width = bars.length * colWidth + 8;
  const height = top + plotHeight + 40;
  const cols = bars.map((b, i) => {
    const x = 4 + i * colWidth;
    const h = b.value === 0 ? 0 : Math.max(2, Math.round((b.value / max) * plotHeight));
    const y = top + plotHeight - h;
    return html`<g><rect x="${x + 5}" y="${y}" width="${colWidth - 10}" height="${h}" rx="2" class="${b.tone}"></rect>
<text x="${x + colWidth / 2}" y="${y - 4}" text-anchor="middle" class="chart-value">${b.value === 0 ? '' : b.value.toLocaleString('en-US')}</text>
<text x="${x + colWidth / 2}" y="${top + plotHeight + 16}" text-anchor="middle" class="chart-label chart-small">${b.label}</text></g>`;
  });
  const summary = bars.filter((b) => b.value > 0).map((b) => `${b.label}: ${b.value}`).join(', ') || 'none';
  return html`<svg class="chart" id="${id}" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-t ${id}-d" preserveAspectRatio="xMinYMin meet">
<title id="${id}-t">${title}</title><desc id="${id}-d">${summary}</desc>
<line x1="4" x2="${width - 4}" y1="${top + plotHeight}" y2="${top + plotHeight}" class="chart-axis"></line>${joinHtml(cols)}</svg>`;
}

/** A small progress meter (pass rate), with the percentage as text. */
export function meter(fraction: number | null, label: string): TrustedHtml {
  if (fraction === null) return html`<span class="muted">not assessed</span>`;
  const pct = Math.round(fraction * 1000) / 10;
  const tone = pct >= 95 ? 'tone-ok' : pct >= 75 ? 'tone-medium' : 'tone-high';
  return html`<span class="meter" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${pct}" aria-label="${label}">
<svg viewBox="0 0 100 8" width="120" height="10" aria-hidden="true" focusable="false"><rect x="0" y="0" width="100" height="8" rx="4" class="meter-track"></rect><rect x="0" y="0" width="${pct}" height="8" rx="4" class="${tone}"></rect></svg>
<span class="meter-text">${pct.toFixed(1)}%</span></span>`;
}
