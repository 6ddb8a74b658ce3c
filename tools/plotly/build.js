// Bundles entry.js into one minified IIFE exposing window.Plotly, as plotly.js's own dist files do.
'use strict';
const esbuild = require('esbuild');
const version = require('plotly.js/package.json').version;
const TRACES = ['scatter', 'bar', 'heatmap'];
const outfile = process.argv[2] || '../../static/vendor/plotly/plotly.min.js';

esbuild
  .build({
    entryPoints: [require.resolve('./entry.js')],
    outfile,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'none',
    banner: {
      js: `/**\n* plotly.js v${version}, partial bundle (traces: ${TRACES.join(', ')}) built by tools/plotly (make plotly)\n` +
        '* Copyright 2012-2026, Plotly, Inc. All rights reserved. Licensed under the MIT license\n*/',
    },
    // registry.js requires maplibre's CSS for map traces only, which this bundle leaves out.
    loader: { '.css': 'empty' },
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    target: 'es2016',
    logLevel: 'warning',
  })
  .catch(() => process.exit(1));
