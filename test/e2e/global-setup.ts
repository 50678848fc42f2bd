import integrationSetup from '../integration/global-setup.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';

/**
 * The browser tests look at the committed sample, and only at it: what the integration files
 * left in the shared test graph (their own records, on other days) would widen the data's time
 * extent, the map's trend and the counts on screen. So the e2e run starts from an empty graph;
 * its first file ingests the sample once (test/helpers/web-seed.ts) and the others reuse it.
 */
export default async function setup() {
  await integrationSetup();
  const graph = openTestGraph();
  try {
    await clearGraph(graph);
  } finally {
    await graph.driver.close();
  }
}
