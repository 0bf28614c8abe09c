/** Sum of `regql_upstream_requests_total` for one registry, read from /metrics. */
export async function upstreamRequests(serverUrl: string, registry: string): Promise<number> {
  const text = await (await fetch(`${serverUrl}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^regql_upstream_requests_total\{([^}]*)\} (\d+)$/gm)) {
    if (match[1].includes(`registry="${registry}"`)) total += Number(match[2]);
  }
  return total;
}
