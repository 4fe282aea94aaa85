import { ANY_SERVER } from '@domsim/replication';

/** A server as the graph draws it. */
export interface GraphServer {
  readonly name: string;
  readonly cluster?: string;
}

/** A scheduled replication from a Connection document: `source` calls `destination`. */
export interface GraphConnection {
  readonly source: string;
  readonly destination: string;
  readonly type: string;
  readonly intervalSeconds: number;
}

/** A link fault as the fault table stores it; `*` is every server. */
export interface GraphFault {
  readonly from: string;
  readonly to: string;
  readonly description: string;
}

export interface GraphNode {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  /** Side of the node for its labels, outside the circle, so that edges do not cross them. */
  readonly labelSide: 'above' | 'below';
}

/**
 * One line of the graph. Cluster edges are undirected (drawn once per pair); connection
 * and fault edges point from `from` to `to`.
 */
export interface GraphEdge {
  readonly kind: 'cluster' | 'connection' | 'fault';
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** Space kept free around the circle of servers, in SVG user units, for node labels. */
const MARGIN = 70;
/** How far a directed edge is shifted sideways so that A->B and B->A do not overlap. */
const PARALLEL_OFFSET = 8;

/**
 * Places servers evenly on a circle (first server at the top, clockwise) and computes one
 * edge per cluster pair, per Connection document and per faulty directed link. A fault on
 * `*` expands to every matching pair of servers.
 */
export function layoutDomainGraph(
  servers: readonly GraphServer[],
  connections: readonly GraphConnection[],
  faults: readonly GraphFault[],
  size: { readonly width: number; readonly height: number },
): GraphLayout {
  const nodes = placeOnCircle(servers, size);
  const position = new Map(nodes.map((node) => [node.name, node]));
  const edges: GraphEdge[] = [];

  for (let i = 0; i < servers.length; i += 1) {
    for (let j = i + 1; j < servers.length; j += 1) {
      const [a, b] = [servers[i], servers[j]];
      if (a.cluster === undefined || a.cluster === '' || a.cluster !== b.cluster) continue;
      edges.push(edgeBetween('cluster', a.name, b.name, `cluster ${a.cluster}`, position, 0));
    }
  }

  for (const connection of connections) {
    if (!position.has(connection.source) || !position.has(connection.destination)) continue;
    const label = `${connection.type} every ${connection.intervalSeconds} s`;
    edges.push(edgeBetween('connection', connection.source, connection.destination, label, position, PARALLEL_OFFSET));
  }

  for (const fault of faults) {
    for (const [from, to] of expandFault(fault, servers)) {
      edges.push(edgeBetween('fault', from, to, fault.description, position, PARALLEL_OFFSET * 2));
    }
  }
  return { width: size.width, height: size.height, nodes, edges };
}

function placeOnCircle(servers: readonly GraphServer[], size: { readonly width: number; readonly height: number }): GraphNode[] {
  const centerX = size.width / 2;
  const centerY = size.height / 2;
  const radius = Math.max(0, Math.min(size.width, size.height) / 2 - MARGIN);
  if (servers.length === 1) return [{ name: servers[0].name, x: centerX, y: centerY, labelSide: 'below' }];
  return servers.map((server, index) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * index) / servers.length;
    const y = round(centerY + radius * Math.sin(angle));
    return { name: server.name, x: round(centerX + radius * Math.cos(angle)), y, labelSide: y < centerY ? 'above' : 'below' };
  });
}

/** Lists the directed server pairs a fault applies to, leaving out a server's link to itself. */
export function expandFault(fault: Pick<GraphFault, 'from' | 'to'>, servers: readonly GraphServer[]): Array<[string, string]> {
  const names = servers.map((server) => server.name);
  const sources = fault.from === ANY_SERVER ? names : names.filter((name) => name === fault.from);
  const targets = fault.to === ANY_SERVER ? names : names.filter((name) => name === fault.to);
  return sources.flatMap((from) => targets.filter((to) => to !== from).map((to): [string, string] => [from, to]));
}

function edgeBetween(kind: GraphEdge['kind'], from: string, to: string, label: string, position: ReadonlyMap<string, GraphNode>, offset: number): GraphEdge {
  const start = position.get(from) as GraphNode;
  const end = position.get(to) as GraphNode;
  const length = Math.hypot(end.x - start.x, end.y - start.y) || 1;
  // The normal to the left of the direction of travel: A->B and B->A get opposite sides.
  const dx = (-(end.y - start.y) / length) * offset;
  const dy = ((end.x - start.x) / length) * offset;
  return { kind, from, to, label, x1: round(start.x + dx), y1: round(start.y + dy), x2: round(end.x + dx), y2: round(end.y + dy) };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
