// A do-nothing inference plugin for benchmarks: one project per *.prompt file with one
// nx:noop target, no file read. It measures what Nx itself costs for N inferred projects,
// so the nx-pdd benchmark can tell Nx's share from its own.
exports.createNodesV2 = [
  '**/*.prompt',
  (files) =>
    files.map((file) => {
      const root = file.replace(/\.prompt$/, '');
      const name = root.slice(root.lastIndexOf('/') + 1).replace(/_[^_]*$/, '') + '-' + root.split('/').length;
      return [
        file,
        {
          projects: {
            [root]: {
              name: `${name}-${root.length}-${file.charCodeAt(8)}-${hash(file)}`,
              root,
              targets: { preprocess: { executor: 'nx:noop', inputs: [`{workspaceRoot}/${file}`] } },
            },
          },
        },
      ];
    }),
];
exports.createNodes = exports.createNodesV2;
function hash(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}
