/** The server's /metrics text. */
export async function metricsText(serverUrl: string): Promise<string> {
  return (await fetch(`${serverUrl}/metrics`)).text();
}

/** Sum of `regql_upstream_requests_total` for one registry, read from /metrics. */
export async function upstreamRequests(serverUrl: string, registry: string): Promise<number> {
  const text = await metricsText(serverUrl);
  let total = 0;
  for (const match of text.matchAll(/^regql_upstream_requests_total\{([^}]*)\} (\d+)$/gm)) {
    if (match[1].includes(`registry="${registry}"`)) total += Number(match[2]);
  }
  return total;
}
