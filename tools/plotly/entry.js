'use strict';
// The trace types KAM's charts.py files draw. scatter (and its lines) is part of plotly.js/lib/core.
// Adding a trace type to a chart? Add it here and in TRACES in build.js, then run `make plotly`.
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);
module.exports = Plotly;
