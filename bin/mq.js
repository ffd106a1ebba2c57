#!/usr/bin/env node
// CommonJS (bin/package.json says so): Node starts a CommonJS entry about 8 ms sooner than an ES module.
'use strict';
require('../dist/cli.cjs')
  .main(process.argv.slice(2), process, process.env)
  .then((code) => { process.exitCode = code; });
