import { benchLimiter } from './limiter.js';

console.table(await benchLimiter());
