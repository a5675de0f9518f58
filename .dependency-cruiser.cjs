// The import arrows of ../shared/DESIGN.md ("Layout: one pure core, thin edges"), checked in `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'policy-is-pure',
      comment:
        'src/policy imports nothing outside itself: no node:*, no other folder of ours, and only the two pure, ' +
        'browser-safe parsing libraries of docs/adr/0001 (tests may use node:test)',
      severity: 'error',
      from: { path: '^src/policy/', pathNot: '\\.test(-support)?\\.ts$' },
      // a worktree's node_modules may be a symlink, which resolves outside the repository
      to: { pathNot: '^src/policy/|(^|/)node_modules/(jsonc-parser|ipaddr\\.js)/' },
    },
    {
      name: 'core-never-imports-edges',
      comment: 'access, audit, org, analysis, iac, catalog never import store, server, cli or web',
      severity: 'error',
      from: { path: '^src/(access|audit|org|analysis|iac|catalog)/' },
      to: { path: '^(src/(store|server|cli)|web)/' },
    },
    {
      name: 'pure-cores-do-no-io',
      comment: 'access, audit, analysis keep I/O behind ports passed in',
      severity: 'error',
      from: { path: '^src/(access|audit|analysis)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(node:)?(fs|net|http|https|child_process)$', dependencyTypes: ['core'] },
    },
    {
      name: 'only-composition-roots-wire-adapters',
      comment: 'only server/main.ts and the CLI wire store adapters together',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(store|server/main\\.ts|cli)/|^src/server/main\\.ts$|\\.test\\.ts$' },
      to: { path: '^src/store/adapters/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // worktrees share one install through a symlinked node_modules: keep the path as imported
    preserveSymlinks: true,
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^dist/' },
  },
};
