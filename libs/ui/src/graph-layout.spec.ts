import { expandFault, layoutDomainGraph } from './graph-layout';

const S1 = 'CN=server1/O=renovations';
const S2 = 'CN=server2/O=renovations';
const S3 = 'CN=server3/O=renovations';
const SIZE = { width: 520, height: 400 };

describe('layoutDomainGraph', () => {
  it('places servers on a circle inside the margins', () => {
    const layout = layoutDomainGraph([{ name: S1 }, { name: S2 }, { name: S3 }], [], [], SIZE);

    expect(layout.nodes.map((node) => node.name)).toEqual([S1, S2, S3]);
    expect(layout.nodes[0]).toEqual({ name: S1, x: 260, y: 70, labelSide: 'above' });
    expect(layout.nodes[1].labelSide).toBe('below');
    for (const node of layout.nodes) {
      expect(node.x).toBeGreaterThanOrEqual(70);
      expect(node.x).toBeLessThanOrEqual(SIZE.width - 70);
      expect(node.y).toBeGreaterThanOrEqual(70);
      expect(node.y).toBeLessThanOrEqual(SIZE.height - 70);
    }
  });

  it('centers a single server', () => {
    const layout = layoutDomainGraph([{ name: S1 }], [], [], SIZE);

    expect(layout.nodes).toEqual([{ name: S1, x: 260, y: 200, labelSide: 'below' }]);
  });

  it('draws one edge per cluster pair', () => {
    const servers = [
      { name: S1, cluster: 'renovations' },
      { name: S2, cluster: 'renovations' },
      { name: S3, cluster: 'other' },
    ];

    const layout = layoutDomainGraph(servers, [], [], SIZE);

    expect(layout.edges.map((edge) => [edge.kind, edge.from, edge.to])).toEqual([['cluster', S1, S2]]);
    expect(layout.edges[0].label).toBe('cluster renovations');
  });

  it('ignores servers without a cluster', () => {
    const layout = layoutDomainGraph([{ name: S1, cluster: '' }, { name: S2, cluster: '' }], [], [], SIZE);

    expect(layout.edges).toEqual([]);
  });

  it('draws connections from caller to partner', () => {
    const layout = layoutDomainGraph([{ name: S1 }, { name: S3 }], [{ source: S3, destination: S1, type: 'pull-push', intervalSeconds: 60 }], [], SIZE);

    expect(layout.edges).toHaveLength(1);
    expect(layout.edges[0]).toMatchObject({ kind: 'connection', from: S3, to: S1, label: 'pull-push every 60 s' });
  });

  it('skips connections to unknown servers', () => {
    const layout = layoutDomainGraph([{ name: S1 }], [{ source: S1, destination: 'CN=elsewhere/O=x', type: 'pull-push', intervalSeconds: 60 }], [], SIZE);

    expect(layout.edges).toEqual([]);
  });

  it('offsets opposite directed edges to opposite sides', () => {
    const layout = layoutDomainGraph(
      [{ name: S1 }, { name: S2 }],
      [],
      [
        { from: S1, to: S2, description: 'partition' },
        { from: S2, to: S1, description: 'latency 100ms' },
      ],
      SIZE,
    );

    const [forward, backward] = layout.edges;
    expect(forward.kind).toBe('fault');
    expect(forward.x1).not.toBe(backward.x2);
    const forwardMidX = (forward.x1 + forward.x2) / 2;
    const backwardMidX = (backward.x1 + backward.x2) / 2;
    const centerX = (layout.nodes[0].x + layout.nodes[1].x) / 2;
    expect(Math.sign(forwardMidX - centerX)).toBe(-Math.sign(backwardMidX - centerX));
  });
});

describe('expandFault', () => {
  const servers = [{ name: S1 }, { name: S2 }, { name: S3 }];

  it.each([
    ['one link', { from: S1, to: S2 }, [[S1, S2]]],
    ['from every server', { from: '*', to: S3 }, [[S1, S3], [S2, S3]]],
    ['to every server', { from: S2, to: '*' }, [[S2, S1], [S2, S3]]],
    ['every link', { from: '*', to: '*' }, [[S1, S2], [S1, S3], [S2, S1], [S2, S3], [S3, S1], [S3, S2]]],
    ['an unknown server', { from: 'CN=gone/O=x', to: S1 }, []],
  ])('expands %s', (_case, fault, expected) => {
    expect(expandFault(fault, servers)).toEqual(expected);
  });
});
