/**
 * A small offline page for browsers at / and GET /graphql: Apollo's own landing page loads from a
 * CDN, which these deployments often cannot reach. It runs queries and mutations against this
 * server with a token kept in the browser's localStorage.
 */
const example = `query FirstQuery {
  viewer { id namespace role clusterAdmin }
  registries { name kind url }
}`;

export const landingScriptPath = '/_regql/landing.js';

export const landingHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>regql</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d2330; }
  textarea, input, pre { font: 13px/1.4 ui-monospace, monospace; width: 100%; box-sizing: border-box; }
  textarea { height: 12rem; } pre { background: #f3f5f8; padding: .8rem; overflow: auto; min-height: 4rem; }
  button { font-size: 15px; padding: .4rem 1.2rem; } label { display: block; margin-top: .8rem; font-weight: 600; }
  #status { color: #555; }
</style>
</head>
<body>
<h1>regql</h1>
<p>One GraphQL API over every container registry you use. POST queries to <code>/graphql</code>
with <code>Authorization: Bearer &lt;token&gt;</code>; subscriptions use graphql-ws on the same path.</p>
<p id="status">checking the server…</p>
<label for="token">Token</label>
<input id="token" type="password" autocomplete="off" placeholder="rgq_…">
<label for="query">Query</label>
<textarea id="query" spellcheck="false">${example}</textarea>
<label for="variables">Variables (JSON)</label>
<input id="variables" value="{}">
<p><button id="run">Run</button></p>
<pre id="result"></pre>
<h2>With curl</h2>
<pre>curl -s http://HOST/graphql -H 'content-type: application/json' \\
  -H "authorization: Bearer $TOKEN" -d '{"query":"{ viewer { namespace role } }"}'</pre>
<script src="${landingScriptPath}"></script>
</body>
</html>
`;

export const landingScript = `(() => {
  const $ = (id) => document.getElementById(id);
  const endpoint = new URL('/graphql', location.href).toString();
  $('token').value = localStorage.getItem('regql-token') || '';
  document.querySelectorAll('pre').forEach((p) => { p.textContent = p.textContent.replace('http://HOST', location.origin); });
  async function call(query, variables) {
    const token = $('token').value.trim();
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    const res = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return res.json();
  }
  $('run').addEventListener('click', async () => {
    localStorage.setItem('regql-token', $('token').value.trim());
    let variables;
    try { variables = JSON.parse($('variables').value || '{}'); } catch { $('result').textContent = 'variables are not valid JSON'; return; }
    $('result').textContent = '…';
    try { $('result').textContent = JSON.stringify(await call($('query').value, variables), null, 2); }
    catch (err) { $('result').textContent = String(err); }
  });
  call('{ __typename }', {}).then(
    (r) => { $('status').textContent = r.data && r.data.__typename === 'Query' ? 'server reachable: GraphQL endpoint answers' : 'unexpected answer'; },
    (err) => { $('status').textContent = 'server unreachable: ' + err; },
  );
})();
`;
