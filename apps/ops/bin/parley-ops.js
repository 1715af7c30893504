#!/usr/bin/env node
// Thin launcher so the bin exists before the package is built.
require('../dist/main.js');
