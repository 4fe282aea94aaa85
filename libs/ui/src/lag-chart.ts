import type { LinkLag } from './propagation';

/** One link's series, ready for an SVG polyline. */
export interface LagSeries {
  readonly from: string;
  readonly to: string;
  /** SVG `points` attribute: "x,y x,y ...". */
  readonly points: string;
  readonly lastLagMs: number;
  readonly maxLagMs: number;
}

export interface LagChart {
  readonly width: number;
  readonly height: number;
  /** Space around the plot for axis labels, in SVG user units. */
  readonly padding: typeof CHART_PADDING;
  /** The value of the top of the y axis, in milliseconds; the bottom is 0. */
  readonly yMaxMs: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly series: readonly LagSeries[];
}

export interface LagChartOptions {
  readonly width: number;
  readonly height: number;
  /** The right edge of the chart, in epoch milliseconds. */
  readonly now: number;
  /** How much time the chart shows, in milliseconds. */
  readonly windowMs: number;
}

/** Space at the left and bottom of the plot, in SVG user units, for axis labels. */
export const CHART_PADDING = { left: 64, right: 8, top: 8, bottom: 20 } as const;

/**
 * Scales each link's lag samples inside the time window to chart coordinates. The y axis
 * runs from 0 to a rounded-up maximum over every link, so the series share one scale.
 * Links with no sample inside the window are left out.
 */
export function buildLagChart(links: readonly LinkLag[], options: LagChartOptions): LagChart {
  const windowStart = options.now - options.windowMs;
  const visible = links
    .map((link) => ({ link, samples: link.samples.filter((sample) => sample.at >= windowStart && sample.at <= options.now) }))
    .filter((entry) => entry.samples.length > 0);
  const highest = Math.max(0, ...visible.flatMap((entry) => entry.samples.map((sample) => sample.lagMs)));
  const yMaxMs = niceCeiling(highest);

  const plotWidth = options.width - CHART_PADDING.left - CHART_PADDING.right;
  const plotHeight = options.height - CHART_PADDING.top - CHART_PADDING.bottom;
  const xOf = (at: number) => CHART_PADDING.left + ((at - windowStart) / options.windowMs) * plotWidth;
  const yOf = (lagMs: number) => CHART_PADDING.top + plotHeight - (Math.max(0, lagMs) / yMaxMs) * plotHeight;

  const series = visible.map(({ link, samples }) => ({
    from: link.from,
    to: link.to,
    points: samples.map((sample) => `${xOf(sample.at).toFixed(1)},${yOf(sample.lagMs).toFixed(1)}`).join(' '),
    lastLagMs: samples[samples.length - 1].lagMs,
    maxLagMs: Math.max(...samples.map((sample) => sample.lagMs)),
  }));
  return { width: options.width, height: options.height, padding: CHART_PADDING, yMaxMs, windowStart, windowEnd: options.now, series };
}

/** Rounds up to 1, 2 or 5 times a power of ten, with 10 as the minimum. */
export function niceCeiling(value: number): number {
  if (!(value > 10)) return 10;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}
