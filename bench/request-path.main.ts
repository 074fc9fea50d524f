import { benchRequestPath } from './request-path.js';

console.table(await benchRequestPath());
