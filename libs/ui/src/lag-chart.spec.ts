import { buildLagChart, CHART_PADDING, niceCeiling } from './lag-chart';

const S1 = 'CN=server1/O=renovations';
const S2 = 'CN=server2/O=renovations';
const S3 = 'CN=server3/O=renovations';

describe('niceCeiling', () => {
  it.each([
    [0, 10],
    [3, 10],
    [10, 10],
    [11, 20],
    [20, 20],
    [21, 50],
    [51, 100],
    [999, 1000],
    [1001, 2000],
    [Number.NaN, 10],
  ])('rounds %d up to %d', (value, expected) => {
    expect(niceCeiling(value)).toBe(expected);
  });
});

describe('buildLagChart', () => {
  const options = { width: 640, height: 220, now: 100_000, windowMs: 60_000 };

  it('scales samples to the plot', () => {
    const chart = buildLagChart([{ from: S1, to: S2, samples: [{ at: 40_000, lagMs: 0 }, { at: 100_000, lagMs: 20 }] }], options);

    expect(chart.yMaxMs).toBe(20);
    const [first, last] = chart.series[0].points.split(' ').map((point) => point.split(',').map(Number));
    expect(first).toEqual([CHART_PADDING.left, options.height - CHART_PADDING.bottom]);
    expect(last).toEqual([options.width - CHART_PADDING.right, CHART_PADDING.top]);
  });

  it('shares one y scale across links', () => {
    const chart = buildLagChart(
      [
        { from: S1, to: S2, samples: [{ at: 90_000, lagMs: 4 }] },
        { from: S1, to: S3, samples: [{ at: 90_000, lagMs: 70 }] },
      ],
      options,
    );

    expect(chart.yMaxMs).toBe(100);
    expect(chart.series.map((series) => series.maxLagMs)).toEqual([4, 70]);
  });

  it('leaves out samples outside the window', () => {
    const chart = buildLagChart(
      [
        { from: S1, to: S2, samples: [{ at: 10_000, lagMs: 5_000 }, { at: 95_000, lagMs: 3 }] },
        { from: S1, to: S3, samples: [{ at: 1_000, lagMs: 9 }] },
      ],
      options,
    );

    expect(chart.series).toHaveLength(1);
    expect(chart.series[0]).toMatchObject({ from: S1, to: S2, lastLagMs: 3, maxLagMs: 3 });
    expect(chart.yMaxMs).toBe(10);
  });

  it('is empty without samples', () => {
    const chart = buildLagChart([], options);

    expect(chart.series).toEqual([]);
    expect(chart.windowStart).toBe(40_000);
    expect(chart.windowEnd).toBe(100_000);
  });
});
