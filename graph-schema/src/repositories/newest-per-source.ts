/**
 * The newest nodes of a label for a list of sources, stopped at a page: the read of every list
 * that grows with the graph's history (a `Batch` and a `QualityReport` per push, for ever). It
 * reads each source's composite `(source, time)` range index in its order and stops at the page,
 * instead of reading and sorting every node of the source (docs/api.md, "Lists that sorted the
 * graph's history"). Neo4j reads such an index in order only when the `ORDER BY` names every one
 * of its properties — `n.source DESC, n.at DESC`, although `source` has one value here — which is
 * why this is written once.
 */

/**
 * Cypher: for each source in the list expression `sources`, the nodes `node` of `label` whose
 * `source` is it and whose `time` property is set (and `where`, a condition on `node`, holds),
 * newest first, at most `limit` (an expression) of each; then the newest `limit` of them all,
 * bound to `node` in time order, newest first. The caller goes on with `RETURN …`.
 * @example `${newestPerSourceCypher({ label: 'Batch', node: 'b', time: 'receivedAt', sources: '$sources', limit: '$limit' })} RETURN b {.*} AS b`
 */
export function newestPerSourceCypher(p: { label: string; node: string; time: string; sources: string; limit: string; where?: string }): string {
  const { label, node, time, sources, limit } = p;
  const where = p.where ? ` AND ${p.where}` : '';
  return `UNWIND ${sources} AS s
       CALL (s) {
         MATCH (${node}:${label}) WHERE ${node}.source = s AND ${node}.${time} IS NOT NULL${where}
         WITH ${node} ORDER BY ${node}.source DESC, ${node}.${time} DESC LIMIT ${limit}
         RETURN ${node}
       }
       WITH ${node} ORDER BY ${node}.${time} DESC LIMIT ${limit}`;
}
