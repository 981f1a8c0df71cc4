#!/usr/bin/env node
// Fails (exit 1) when binding.gyp has drifted from the files on disk or from CMakeLists.txt:
//   - `sources` must be exactly native/{src,units,addon,bench}/*.cpp (CMake globs them);
//   - the defines, include directories and compile options must be the ones CMake uses.
// Usage: node scripts/check-gyp.js [repo root]   (no dependencies; run by .ci/run)
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(process.argv[2] || path.join(__dirname, '..'));
const problems = [];

/** binding.gyp is a Python literal: JSON plus `#` comments. */
function readGyp(file) {
  const text = fs.readFileSync(file, 'utf8');
  const out = [];
  for (const line of text.split('\n')) {
    let inString = false;
    let cut = line.length;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '#') {
        cut = i;
        break;
      }
    }
    out.push(line.slice(0, cut));
  }
  try {
    return JSON.parse(out.join('\n'));
  } catch (e) {
    throw new Error(`binding.gyp: cannot parse (keep it JSON plus # comments, no single quotes or trailing commas): ${e.message}`);
  }
}

/** Arguments of the first `command(... )` call in CMakeLists.txt, split on whitespace, keywords dropped. */
function cmakeArgs(cmake, command, keywords) {
  const m = cmake.match(new RegExp(`^\\s*${command}\\(([^)]*)\\)`, 'm'));
  if (!m) {
    problems.push(`CMakeLists.txt: no ${command}(...) found; update scripts/check-gyp.js`);
    return [];
  }
  return m[1].split(/\s+/).filter((a) => a && !keywords.includes(a));
}

function sameSet(what, expected, actual) {
  const missing = expected.filter((x) => !actual.includes(x));
  const extra = actual.filter((x) => !expected.includes(x));
  if (missing.length) problems.push(`binding.gyp ${what}: missing ${missing.join(', ')}`);
  if (extra.length) problems.push(`binding.gyp ${what}: not in CMakeLists.txt / on disk: ${extra.join(', ')}`);
}

const gyp = readGyp(path.join(root, 'binding.gyp'));
const target = gyp.targets.find((t) => t.target_name === 'recurrent_attention');
if (!target) {
  console.error('binding.gyp: no target "recurrent_attention" (the name CMakeLists.txt gives the .node file)');
  process.exit(1);
}
const cmake = fs.readFileSync(path.join(root, 'CMakeLists.txt'), 'utf8');

// 1. Sources: the glob CMake uses, evaluated on disk.
const sourceDirs = ['native/src', 'native/units', 'native/addon', 'native/bench'];
const globs = cmakeArgs(cmake, 'file', ['GLOB', 'CONFIGURE_DEPENDS', 'RAN_SOURCES']);
sameSet('CMake source globs (update this script if CMake changed)', sourceDirs.map((d) => `${d}/*.cpp`), globs);
const onDisk = [];
for (const dir of sourceDirs) {
  for (const f of fs.readdirSync(path.join(root, dir))) if (f.endsWith('.cpp')) onDisk.push(`${dir}/${f}`);
}
sameSet('sources', onDisk.sort(), target.sources.slice().sort());
const dupes = target.sources.filter((s, i) => target.sources.indexOf(s) !== i);
if (dupes.length) problems.push(`binding.gyp sources: listed twice: ${dupes.join(', ')}`);

// 2. Defines (the CPU target is ${RAN_ARCH} in CMake, <(ran_arch) in gyp); NDEBUG comes from
//    CMake's Release build type and from the gyp Release configuration.
const arch = (s) => s.replace('${RAN_ARCH}', '@ARCH@').replace('<(ran_arch)', '@ARCH@').replace(/"/g, '');
sameSet('defines', cmakeArgs(cmake, 'target_compile_definitions', ['${PROJECT_NAME}', 'PRIVATE']).map(arch), target.defines.map(arch));
const release = (target.configurations && target.configurations.Release) || {};
if (!(release.defines || []).includes('NDEBUG')) problems.push('binding.gyp: configurations.Release.defines must contain NDEBUG (as CMake Release)');

// 3. Include directories (the node-addon-api one is computed differently in each file).
const cmakeIncludes = [];
for (const m of cmake.matchAll(/^\s*target_include_directories\(([^)]*)\)/gm)) {
  cmakeIncludes.push(...m[1].split(/\s+/).filter((a) => a && !/^(\$\{|PRIVATE$|SYSTEM$)/.test(a)));
}
const gypIncludes = target.include_dirs.filter((d) => !d.includes('node-addon-api'));
if (gypIncludes.length === target.include_dirs.length) problems.push('binding.gyp include_dirs: node-addon-api missing');
sameSet('include_dirs', cmakeIncludes, gypIncludes);

// 4. Compile options (the first target_compile_options; the sanitizer one is CMake-only).
sameSet('cflags', cmakeArgs(cmake, 'target_compile_options', ['${PROJECT_NAME}', 'PRIVATE']).map(arch), target.cflags.map(arch));
for (const flag of ['-fno-exceptions']) {
  if (!(target['cflags_cc!'] || []).includes(flag)) problems.push(`binding.gyp: "cflags_cc!" must remove ${flag}`);
}
if (!(target.cflags_cc || []).includes('-fexceptions')) problems.push('binding.gyp: cflags_cc must contain -fexceptions');

// 5. Link options of the prebuilt binaries (CMake: if(RAN_STATIC_RUNTIME); gyp: ran_static_runtime==1).
const cmakeStatic = cmake.match(/if\(RAN_STATIC_RUNTIME\)\s*target_link_options\(\$\{PROJECT_NAME\} PRIVATE ([^)]*)\)/);
const gypStatic = (target.conditions || []).find((c) => c[0] === 'ran_static_runtime==1');
if (!cmakeStatic) problems.push('CMakeLists.txt: no target_link_options under if(RAN_STATIC_RUNTIME); update scripts/check-gyp.js');
else if (!gypStatic) problems.push('binding.gyp: no "ran_static_runtime==1" condition (CMake: RAN_STATIC_RUNTIME)');
else sameSet('ldflags (ran_static_runtime==1)', cmakeStatic[1].split(/\s+/).filter(Boolean), gypStatic[1].ldflags || []);

if (problems.length) {
  console.error('binding.gyp has drifted from CMakeLists.txt / native/:\n  - ' + problems.join('\n  - '));
  process.exit(1);
}
console.log(`binding.gyp matches CMakeLists.txt: ${target.sources.length} sources, ${target.defines.length} defines, ${target.include_dirs.length} include dirs`);
