/**
 * The layering of regql, checked by `npm run lint` (`depcruise`). Layers are listed top to bottom;
 * a folder may import folders of lower layers only. Folders on one layer stay independent unless
 * `sideways` lists the pair with its reason. See docs/architecture.md for the picture.
 */
const layers = [
  {
    name: 'entry',
    path: '^src/(main|app|config)\\.ts$|^src/wiring/',
    why: 'the command and the composition root build everything and nothing builds them',
  },
  {
    name: 'server',
    path: '^src/server/',
    why: 'HTTP, WebSocket and Apollo sit on the GraphQL layer',
  },
  {
    name: 'graphql',
    path: '^src/graphql/',
    why: 'resolvers translate between the schema and the services below, and hold no rules',
  },
  {
    name: 'mirror',
    path: '^src/mirror/',
    why: 'mirroring reads through federation and writes to registries, the integrated one included',
  },
  {
    name: 'streams',
    path: '^src/streams/',
    why: 'image-stream workflows are services over the layers below',
  },
  {
    name: 'federation',
    path: '^src/federation/',
    why: 'reading the registries regql knows is a service',
  },
  {
    name: 'events',
    path: '^src/events/',
    why: 'the event log, feed, triggers and webhook intake are a service',
  },
  {
    name: 'integrated-registry',
    path: '^src/integrated-registry/',
    why: 'the /v2 server is a service over storage and auth',
  },
  {
    name: 'auth',
    path: '^src/auth/',
    why: 'who may do what is asked by services, never the other way',
  },
  {
    name: 'egress',
    path: '^src/egress/',
    why: 'the connection policy is asked by services and plugins',
  },
  { name: 'domain', path: '^src/domain/', why: 'image-stream rules are pure and used by services' },
  { name: 'plugins', path: '^plugins/', why: 'a plugin knows one vendor, not regql above it' },
  {
    name: 'store',
    path: '^src/store/',
    why: 'SQL knows no events, server, GraphQL, auth or rules',
  },
  {
    name: 'oci',
    path: '^src/oci/',
    why: 'the Distribution protocol is stateless and knows no regql',
  },
  {
    name: 'core',
    path: '^src/core/',
    why: 'errors, logging and clocks are a leaf everyone may use',
  },
];

/** The order, as indexes into `layers`: one entry per level, folders of one level together. */
const levels = [
  ['entry'],
  ['server'],
  ['graphql'],
  ['mirror'],
  ['streams', 'federation', 'events', 'integrated-registry'],
  ['auth', 'egress', 'domain', 'plugins'],
  ['store'],
  ['oci'],
  ['core'],
];

/** Imports between folders of one level, each with the reason it is allowed. */
const sideways = [
  ['streams', 'federation', 'an import reads its source image through the federation layer'],
  ['streams', 'events', 'imports, tags and rollbacks publish their events to the feed'],
  ['integrated-registry', 'events', 'the integrated registry announces every push'],
  [
    'integrated-registry',
    'streams',
    'a push records its image in the image stream of its repository, by the rules imports follow',
  ],
];

const byName = new Map(layers.map((layer) => [layer.name, layer]));
const levelOf = new Map(levels.flatMap((names, index) => names.map((name) => [name, index])));

const upward = layers
  .filter((layer) => levelOf.get(layer.name) > 0)
  .map((layer) => {
    const above = layers.filter((other) => levelOf.get(other.name) < levelOf.get(layer.name));
    return {
      name: `${layer.name}-points-down`,
      comment: `${layer.name} must not import ${above.map((o) => o.name).join(', ')}: ${layer.why}.`,
      severity: 'error',
      from: { path: layer.path },
      to: { path: above.map((o) => o.path).join('|') },
    };
  });

const across = layers.flatMap((layer) => {
  const peers = levels[levelOf.get(layer.name)].filter(
    (peer) =>
      peer !== layer.name && !sideways.some(([from, to]) => from === layer.name && to === peer),
  );
  if (peers.length === 0) return [];
  return [
    {
      name: `${layer.name}-independent-of-its-level`,
      comment: `${layer.name} must not import ${peers.join(', ')}: folders of one level stay independent unless listed with a reason in .dependency-cruiser.cjs.`,
      severity: 'error',
      from: { path: layer.path },
      to: { path: peers.map((peer) => byName.get(peer).path).join('|') },
    },
  ];
});

module.exports = {
  forbidden: [
    ...upward,
    ...across,
    {
      name: 'no-file-cycles',
      comment: 'A file cycle means two files are one unit in disguise; split out what both need.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders that import each other cannot be understood or tested one at a time.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-does-no-io',
      comment: 'Domain rules are pure: no files, network, processes or databases.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        dependencyTypes: ['core', 'npm'],
        path: '^(node:)?(fs|net|http|https|http2|child_process|dgram|tls)($|/)|^node_modules/(pg|better-sqlite3|undici|kysely|@redis)/',
      },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
