#!/usr/bin/env -S node --max-semi-space-size=4
// A young generation of 2 x 4 MB instead of V8's 2 x 16 MB: 10-35 MB less peak RSS for 1-4% more CPU
// (README "Memory"); the container's ENTRYPOINT passes the same flag.
import { setFlagsFromString } from 'node:v8';
import { main } from '../dist/cli/main.js';

// undici parses HTTP/1.1 (watches, HTTP/1.1 requests) with llhttp compiled to WebAssembly. Once its
// parser runs hot, V8 recompiles it with its optimizing compiler: 30-35 MB of RSS and 0.1-0.3 s of CPU
// in every run, for a parser that V8's baseline compiler runs as fast for burn's traffic (README "Memory").
// Set here, before anything is compiled to WebAssembly, so it holds however burn is started.
setFlagsFromString('--liftoff-only');
// V8 lets the old generation grow to several times what survived its last full collection before the
// next one; burn's live heap is 20-40 MB, and that headroom was 15-35 MB of peak RSS. 20% headroom cost
// no measurable CPU (README "Memory"). Read at each full collection, so setting it here holds for the run.
setFlagsFromString('--heap-growing-percent=20');

main(process.argv);
