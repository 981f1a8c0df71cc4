#!/usr/bin/env node
// Prints "<packages> <bytes> <own bytes>" for an installed node_modules folder (used by
// scripts/pack-test.sh): how many packages npm installed besides <name>, how many bytes they
// hold on disk, and how many bytes <name> itself holds without its prebuilt binaries (prebuilds/).
// Usage: node scripts/install-weight.js <node_modules> <name>
'use strict';
const fs = require('fs');
const path = require('path');

function bytesUnder(dir, skip) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (skip(full)) continue;
    if (entry.isDirectory()) total += bytesUnder(full, skip);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

/** The package folders in a node_modules folder, scoped ones and nested node_modules included. */
function packagesIn(modules) {
  const found = [];
  if (!fs.existsSync(modules)) return found;
  for (const entry of fs.readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const full = path.join(modules, entry.name);
    const dirs = entry.name.startsWith('@')
      ? fs.readdirSync(full, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(full, e.name))
      : [full];
    for (const dir of dirs) {
      if (!fs.existsSync(path.join(dir, 'package.json'))) continue;
      found.push(dir);
      found.push(...packagesIn(path.join(dir, 'node_modules')));
    }
  }
  return found;
}

const [modules, name] = process.argv.slice(2);
if (!modules || !name) {
  console.error('usage: install-weight.js <node_modules> <name>');
  process.exit(2);
}
const own = path.join(modules, name);
const nested = path.join(own, 'node_modules');
const deps = packagesIn(modules).filter((dir) => dir !== own);
const depBytes = deps.reduce((sum, dir) => sum + bytesUnder(dir, (p) => p.startsWith(path.join(dir, 'node_modules') + path.sep) || p === path.join(dir, 'node_modules')), 0);
const ownBytes = bytesUnder(own, (p) => p === path.join(own, 'prebuilds') || p === nested);
console.log(`${deps.length} ${depBytes} ${ownBytes}`);
