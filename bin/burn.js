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

main(process.argv);
